using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>
/// A setuptools egg file name: <c>{name}-{version}(-py{X.Y}(-{platform})?)?.egg</c>.
/// setuptools writes <c>_</c> for <c>-</c> in the name and version, so neither contains a
/// hyphen; the platform may (<c>linux-x86_64</c>). Versions are not required to follow
/// PEP 440, since eggs predate it.
/// </summary>
public sealed partial record EggFilename : DistributionFilename
{
    private EggFilename(string fileName, string project, string version, string? pythonVersion, string? platform)
        : base(fileName, project, version, DistributionKind.Egg)
    {
        PythonVersion = pythonVersion;
        Platform = platform;
    }

    /// <summary>The Python version without its <c>py</c> prefix, e.g. <c>2.7</c>, or null.</summary>
    public string? PythonVersion { get; }

    /// <summary>The platform, e.g. <c>linux-x86_64</c>, or null for a pure egg.</summary>
    public string? Platform { get; }

    public static bool TryParse(string? fileName, [NotNullWhen(true)] out EggFilename? result)
    {
        result = null;
        if (!IsPlainFileName(fileName) || Stem(fileName, ".egg") is not { } stem)
            return false;

        var match = EggStem().Match(stem);
        if (!match.Success || !ProjectName.IsValid(match.Groups["name"].Value))
            return false;

        result = new EggFilename(
            fileName,
            match.Groups["name"].Value,
            match.Groups["version"].Value,
            match.Groups["python"].Success ? match.Groups["python"].Value : null,
            match.Groups["platform"].Success ? match.Groups["platform"].Value : null);
        return true;
    }

    // pkg_resources' EGG_NAME, with the version required and the Python version numeric.
    [GeneratedRegex(
        @"\A(?<name>[^-]+)-(?<version>[^-]+)(?:-py(?<python>[0-9]+(?:\.[0-9]+)*)(?:-(?<platform>.+))?)?\z",
        RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant)]
    private static partial Regex EggStem();
}
