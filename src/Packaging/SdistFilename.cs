using System.Diagnostics.CodeAnalysis;

namespace PypiForge.Packaging;

/// <summary>
/// A source distribution file name: PEP 625 (<c>{name}-{version}.tar.gz</c>, name normalized
/// with <c>_</c> for <c>-</c>) and the legacy forms (<c>.zip</c>, <c>.tar.bz2</c>, <c>.tgz</c>,
/// <c>.tar.xz</c>, <c>.tar</c>, unnormalized names, non-PEP 440 versions).
/// </summary>
/// <remarks>
/// Legacy names are ambiguous because both the name and the version may contain <c>-</c>
/// (<c>foo-2-1.0</c>). The stem is split at a hyphen chosen like this:
/// <list type="number">
/// <item>Among the hyphens followed by a digit (or by <c>v</c> and a digit), the leftmost one
/// whose right side is a valid PEP 440 version and whose left side is a valid project name:
/// <c>foo-2-1.0</c> → <c>foo-2</c> / <c>1.0</c>, <c>python-dateutil-2.8.2</c> →
/// <c>python-dateutil</c> / <c>2.8.2</c>.</item>
/// <item>Otherwise (a legacy, non-PEP 440 version), the leftmost hyphen followed by a digit
/// whose left side is a valid project name: <c>foo-1.0-final-x</c> → <c>foo</c> /
/// <c>1.0-final-x</c>.</item>
/// <item>Otherwise the name is not an sdist name (<c>nover.tar.gz</c>).</item>
/// </list>
/// Leftmost, because project names rarely contain a hyphen followed by a digit while versions
/// often contain hyphens (<c>1.0-1</c> is a PEP 440 post-release).
/// </remarks>
public sealed record SdistFilename : DistributionFilename
{
    // Compound extensions first, so that ".tar.gz" is not taken for an unknown ".gz".
    private static readonly string[] Extensions = [".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar"];

    private SdistFilename(string fileName, string project, string version, string extension)
        : base(fileName, project, version, DistributionKind.Sdist)
    {
        Extension = extension;
    }

    /// <summary>The extension in lower case, e.g. <c>.tar.gz</c> or <c>.zip</c>.</summary>
    public string Extension { get; }

    /// <summary>
    /// The name follows PEP 625 exactly: <c>.tar.gz</c>, the project normalized with
    /// <c>_</c> for <c>-</c>, the version normalized.
    /// </summary>
    public bool IsPep625 =>
        Extension == ".tar.gz"
        && string.Equals(Project, ProjectName.ToFileNameComponent(Project), StringComparison.Ordinal)
        && PackageVersion.TryParse(Version, out var version)
        && string.Equals(version.Normalized, Version, StringComparison.Ordinal);

    public static bool TryParse(string? fileName, [NotNullWhen(true)] out SdistFilename? result)
    {
        result = null;
        if (!IsPlainFileName(fileName))
            return false;

        var extension = Extensions.FirstOrDefault(e => Stem(fileName, e) is not null);
        if (extension is null)
            return false;

        var stem = fileName[..^extension.Length];
        var split = FindSplit(stem);
        if (split < 0)
            return false;

        result = new SdistFilename(fileName, stem[..split], stem[(split + 1)..], extension);
        return true;
    }

    private static int FindSplit(string stem)
    {
        for (var i = stem.IndexOf('-'); i >= 0; i = stem.IndexOf('-', i + 1))
        {
            if (StartsVersion(stem, i + 1) && ProjectName.IsValid(stem[..i]) && PackageVersion.TryParse(stem[(i + 1)..], out _))
                return i;
        }

        for (var i = stem.IndexOf('-'); i >= 0; i = stem.IndexOf('-', i + 1))
        {
            if (i + 1 < stem.Length && char.IsAsciiDigit(stem[i + 1]) && ProjectName.IsValid(stem[..i]))
                return i;
        }

        return -1;
    }

    private static bool StartsVersion(string text, int index) =>
        index < text.Length
        && (char.IsAsciiDigit(text[index])
            || (text[index] is 'v' or 'V' && index + 1 < text.Length && char.IsAsciiDigit(text[index + 1])));
}
