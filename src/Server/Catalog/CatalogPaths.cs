using System.IO.Enumeration;
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
        // Every segment: none empty, none starting with '.'. Checked for every file of every walk, so without splitting.
        var rest = relativePath.AsSpan();
        while (true)
        {
            if (rest.IsEmpty || rest[0] == '.')
            {
                return true;
            }

            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                return false;
            }

            rest = rest[(slash + 1)..];
        }
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

    /// <summary>Why a symbolic link is left out of the index (logged once, like a corrupt file).</summary>
    public const string LinkReason =
        "it is a symbolic link, or lies in a linked folder; links are never served (nothing outside the root may be). "
        + "Copy or move the file itself into the folder";

    /// <summary>True for a symbolic link (or another reparse point, such as a junction). Reads no more than the
    /// attributes the enumeration or an lstat already gave, so the walk pays nothing for it.</summary>
    public static bool IsLink(FileSystemInfo info) => (info.Attributes & FileAttributes.ReparsePoint) != 0;

    /// <summary>True when the file, or any folder between the root and it, is a symbolic link: the one rule for every
    /// path that admits or serves a file. The root itself may be a link (the operator chose it).</summary>
    public static bool IsLinked(string root, string relativePath)
    {
        var path = root;
        foreach (var segment in relativePath.Split('/'))
        {
            path = Path.Combine(path, segment);
            FileSystemInfo info = new FileInfo(path);
            if (!info.Exists && Directory.Exists(path))
            {
                info = new DirectoryInfo(path);
            }

            if (info.Exists && IsLink(info))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Opens a file under the root for reading, or null when it is missing or linked. Checked again once open,
    /// so a file swapped for a link between the check and the open is refused too.</summary>
    public static FileStream? OpenUnlinked(string root, string relativePath, int bufferSize, FileOptions fileOptions)
    {
        if (IsLinked(root, relativePath))
        {
            return null;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(root, relativePath), FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete, bufferSize, fileOptions);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (IsLinked(root, relativePath))
        {
            stream.Dispose();
            return null;
        }

        return stream;
    }

    /// <summary>Walks the root for distribution candidates, skipping hidden folders and never entering linked folders
    /// (no cycles, no escape). Linked files are returned, so the caller can report them (<see cref="WalkedFile.IsLink"/>).
    /// What each file needs is taken from the directory entry itself: no object per file beyond its path.</summary>
    public static IEnumerable<WalkedFile> Walk(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden,
            ReturnSpecialDirectories = false,
        };
        if (!Directory.Exists(root))
        {
            yield break;
        }

        var files = new FileSystemEnumerable<WalkedFile>(root, static (ref entry) => new WalkedFile(
                RelativeOf(ref entry),
                entry.Length,
                entry.LastWriteTimeUtc,
                (entry.Attributes & FileAttributes.ReparsePoint) != 0), options)
        {
            ShouldIncludePredicate = static (ref entry) => !entry.IsDirectory,
            ShouldRecursePredicate = static (ref entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        foreach (var file in files)
        {
            if (!IsHidden(file.RelativePath))
            {
                yield return file;
            }
        }
    }

    // The entry's folder is the root or below it (the enumeration never leaves the root): its path after the root, then the name.
    private static string RelativeOf(ref FileSystemEntry entry)
    {
        var folder = entry.Directory[entry.RootDirectory.Length..].TrimStart(Path.DirectorySeparatorChar);
        var relative = folder.IsEmpty ? entry.FileName.ToString() : string.Concat(folder, "/", entry.FileName);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}

/// <summary>A file the walk found: its root-relative path ('/' separators), size and time as the directory entry gives
/// them (a link's own), and whether it is a symbolic link.</summary>
public readonly record struct WalkedFile(string RelativePath, long Length, DateTimeOffset LastWriteTimeUtc, bool IsLink);
