namespace PypiForge.Agent.Targets;

/// <summary>Finds an executable the way a shell would, without a shell.</summary>
internal static class ExecutableLocator
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// A name without a directory separator is looked up on the PATH of this process; a path is
    /// made absolute. Returns null when no such executable file exists.
    /// </summary>
    public static string? Find(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        if (nameOrPath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var fullPath = Path.GetFullPath(nameOrPath);
            return IsExecutableFile(fullPath) ? fullPath : null;
        }

        return SearchPath()
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(IsExecutableFile);
    }

    /// <summary>The directories of this process's PATH, for messages and look-ups.</summary>
    public static IReadOnlyList<string> SearchPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(Path.IsPathFullyQualified)
            .ToArray();

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }
}
