using System.Text.RegularExpressions;

namespace PypiForge.Server.Hosting;

/// <summary>Removes what a process killed mid-write left behind. Only names that match one of our own temp-name
/// patterns (a random 32-hex-digit part included) are touched, never a file someone put there.</summary>
public static class Leftovers
{
    private static readonly EnumerationOptions Direct = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0, // our temp names start with a dot, which counts as hidden
        RecurseSubdirectories = false,
    };

    /// <summary>Deletes the files in <paramref name="folder"/> (and, with <paramref name="depth"/> 1, in its direct
    /// subfolders) whose names match <paramref name="name"/>; returns how many. A missing folder holds none.</summary>
    public static int RemoveFiles(string folder, Regex name, int depth, ILogger logger) => RemoveFiles(folder, [name], depth, logger)[0];

    /// <summary>The same for several kinds in one walk of the folder (the package root can hold many thousand files):
    /// how many files matched and were removed, per pattern of <paramref name="names"/>.</summary>
    public static int[] RemoveFiles(string folder, IReadOnlyList<Regex> names, int depth, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(names);
        var removed = new int[names.Count];
        if (!Directory.Exists(folder))
        {
            return removed;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*", Direct))
        {
            var fileName = Path.GetFileName(path);
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].IsMatch(fileName))
                {
                    removed[i] += TryRemove(path, logger) ? 1 : 0;
                    break;
                }
            }
        }

        if (depth > 0)
        {
            foreach (var sub in Directory.EnumerateDirectories(folder, "*", Direct))
            {
                if ((File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0)
                {
                    var below = RemoveFiles(sub, names, depth - 1, logger);
                    for (var i = 0; i < removed.Length; i++)
                    {
                        removed[i] += below[i];
                    }
                }
            }
        }

        return removed;
    }

    /// <summary>Deletes the folders directly in <paramref name="folder"/> whose names match <paramref name="name"/>,
    /// with their contents; returns how many.</summary>
    public static int RemoveFolders(string folder, Regex name, ILogger logger)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateDirectories(folder, "*", Direct))
        {
            if (name.IsMatch(Path.GetFileName(path)) && TryRemove(path, logger))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool TryRemove(string path, ILogger logger)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0)
            {
                info.Delete(recursive: true);
            }
            else
            {
                File.Delete(path); // a file, or a link (the link goes, never what it points to)
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HostingLog.LeftoverNotRemoved(logger, path, ex.Message);
            return false;
        }
    }
}
