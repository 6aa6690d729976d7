using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>Which paths under the root are distributions, and how they map to catalog paths.</summary>
public static class CatalogPaths
{
    // Partial downloads and editor/upload temp files that must never be served while being written.
    private static readonly string[] TemporarySuffixes =
        [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", "~", ".metadata"];

    /// <summary>Root-relative path with '/' separators, or null when <paramref name="fullPath"/> is outside the root.</summary>
    public static string? ToRelative(string root, string fullPath)
    {
        var relative = Path.GetRelativePath(root, fullPath);
        if (relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || Path.IsPathRooted(relative))
        {
            return null;
        }

        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>True when any segment is hidden (dotfile or dot-folder, which includes the state folder).</summary>
    public static bool IsHidden(string relativePath)
    {
        foreach (var segment in relativePath.Split('/'))
        {
            if (segment.Length == 0 || segment[0] == '.')
            {
                return true;
            }
        }

        return false;
    }

    // Extensions of the distribution formats the index recognises (a file with one of these that does not parse is reported).
    private static readonly string[] DistributionExtensions =
        [".whl", ".egg", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip"];

    /// <summary>Parses a candidate file; null for hidden, temporary, non-distribution or unparseable files.</summary>
    public static DistributionFilename? ParseCandidate(string relativePath) =>
        IsCandidate(relativePath, out var parsed) ? parsed : null;

    /// <summary>False for files the index ignores silently (hidden, temporary, other extensions). True for files that
    /// claim to be distributions; <paramref name="parsed"/> is null when the name does not follow the naming rules.</summary>
    public static bool IsCandidate(string relativePath, out DistributionFilename? parsed)
    {
        parsed = null;
        if (IsHidden(relativePath))
        {
            return false;
        }

        var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        foreach (var suffix in TemporarySuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        if (!DistributionExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        parsed = DistributionFilename.TryParse(name, out var result) ? result : null;
        return true;
    }

    /// <summary>Walks the root for distribution candidates, skipping hidden folders and symlinked folders (no cycles, no escape).</summary>
    public static IEnumerable<(string RelativePath, FileInfo Info)> Walk(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden,
            ReturnSpecialDirectories = false,
        };
        var directory = new DirectoryInfo(root);
        if (!directory.Exists)
        {
            yield break;
        }

        foreach (var info in directory.EnumerateFiles("*", options))
        {
            var relative = ToRelative(root, info.FullName);
            if (relative is not null && !IsHidden(relative))
            {
                yield return (relative, info);
            }
        }
    }
}
