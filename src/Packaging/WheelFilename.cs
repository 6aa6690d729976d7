using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>
/// A PEP 427 wheel file name:
/// <c>{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl</c>.
/// Each tag may be a compressed set (PEP 425), e.g. <c>py2.py3</c>. The version must be a
/// valid PEP 440 version and the build tag must start with a digit.
/// </summary>
public sealed partial record WheelFilename : DistributionFilename
{
    private WheelFilename(
        string fileName, string project, string version, string? buildTag, string[] pythonTags, string[] abiTags, string[] platformTags)
        : base(fileName, project, version, DistributionKind.Wheel)
    {
        BuildTag = buildTag;
        PythonTags = Array.AsReadOnly(pythonTags);
        AbiTags = Array.AsReadOnly(abiTags);
        PlatformTags = Array.AsReadOnly(platformTags);
        Tags = Array.AsReadOnly((
            from python in pythonTags
            from abi in abiTags
            from platform in platformTags
            select new WheelTag(python, abi, platform)).ToArray());
        IsPure = platformTags.All(p => string.Equals(p, "any", StringComparison.OrdinalIgnoreCase));
    }

    public string? BuildTag { get; }

    public IReadOnlyList<string> PythonTags { get; }

    public IReadOnlyList<string> AbiTags { get; }

    public IReadOnlyList<string> PlatformTags { get; }

    /// <summary>Every tag the compressed sets stand for (their cartesian product).</summary>
    public IReadOnlyList<WheelTag> Tags { get; }

    /// <summary>Every platform tag is <c>any</c>: the wheel runs anywhere its Python does.</summary>
    public bool IsPure { get; }

    public static bool TryParse(string? fileName, [NotNullWhen(true)] out WheelFilename? result)
    {
        result = null;
        if (!IsPlainFileName(fileName) || Stem(fileName, ".whl") is not { } stem)
            return false;

        var parts = stem.Split('-');
        if (parts.Length is not (5 or 6))
            return false;

        var (project, version) = (parts[0], parts[1]);
        var buildTag = parts.Length == 6 ? parts[2] : null;
        if (!ProjectName.IsValid(project)
            || !PackageVersion.TryParse(version, out _)
            || (buildTag is not null && !BuildTagPattern().IsMatch(buildTag))
            || TagSet(parts[^3]) is not { } pythonTags
            || TagSet(parts[^2]) is not { } abiTags
            || TagSet(parts[^1]) is not { } platformTags)
        {
            return false;
        }

        result = new WheelFilename(fileName, project, version, buildTag, pythonTags, abiTags, platformTags);
        return true;
    }

    // The tag lists are derived from FileName, so the base record's fields decide equality;
    // the synthesized comparison would compare the lists by reference.
    public bool Equals(WheelFilename? other) => base.Equals(other);

    public override int GetHashCode() => base.GetHashCode();

    private static string[]? TagSet(string text)
    {
        var tags = text.Split('.');
        return tags.All(WheelTag.IsTagComponent) ? tags : null;
    }

    // PEP 427: the build tag starts with a digit; the rest is escaped like the other fields.
    [GeneratedRegex(@"\A[0-9][A-Za-z0-9_.]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex BuildTagPattern();
}
