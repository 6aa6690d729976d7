using System.Diagnostics.CodeAnalysis;

namespace PypiForge.Packaging;

/// <summary>
/// A parsed distribution file name. <see cref="Project"/> and <see cref="Version"/> are spelled
/// as in the file name (PEP 427 escaped names keep their underscores); compare projects through
/// <see cref="NormalizedProject"/>.
/// </summary>
public abstract record DistributionFilename(string FileName, string Project, string Version, DistributionKind Kind)
{
    /// <summary>Longest file name accepted, the common file-system limit.</summary>
    public const int MaxLength = 255;

    /// <summary>The PEP 503 name, computed once: the catalog groups and looks up files by it on every change and request.</summary>
    public string NormalizedProject { get; } = ProjectName.Normalize(Project);

    /// <summary>
    /// Parses a wheel (<c>.whl</c>), egg (<c>.egg</c>) or sdist (<c>.tar.gz</c>, <c>.zip</c>,
    /// <c>.tar.bz2</c>, <c>.tgz</c>, <c>.tar.xz</c>, <c>.tar</c>) name, choosing by extension
    /// (any case). Fails for other extensions and for names that could not be a bare file name:
    /// path separators, NUL, control characters, whitespace, more than <see cref="MaxLength"/>
    /// characters.
    /// </summary>
    public static bool TryParse(string? fileName, [NotNullWhen(true)] out DistributionFilename? result)
    {
        result = null;
        if (fileName is null)
            return false;

        if (fileName.EndsWith(".whl", StringComparison.OrdinalIgnoreCase))
        {
            if (WheelFilename.TryParse(fileName, out var wheel))
                result = wheel;
        }
        else if (fileName.EndsWith(".egg", StringComparison.OrdinalIgnoreCase))
        {
            if (EggFilename.TryParse(fileName, out var egg))
                result = egg;
        }
        else if (SdistFilename.TryParse(fileName, out var sdist))
        {
            result = sdist;
        }
        return result is not null;
    }

    /// <summary>The file name itself.</summary>
    public sealed override string ToString() => FileName;

    /// <summary>
    /// Rules every kind shares. File names reach storage paths and HTML, so anything that is
    /// not a plain name is refused here rather than escaped later.
    /// </summary>
    internal static bool IsPlainFileName([NotNullWhen(true)] string? fileName) =>
        fileName is { Length: > 0 and <= MaxLength }
        && !fileName.Any(c => c is '/' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>Strips <paramref name="extension"/> (any case), or returns null.</summary>
    internal static string? Stem(string fileName, string extension) =>
        fileName.Length > extension.Length && fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase)
            ? fileName[..^extension.Length]
            : null;
}
