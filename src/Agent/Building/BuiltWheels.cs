namespace PypiForge.Agent.Building;

/// <summary>
/// The wheels a build left in its wheel folder. The folder was writable by the build's code, so only
/// regular files count: a symbolic link there (to a token file, say) would make the agent read and
/// publish a file the build could not read itself. Every process of the build has ended by then (its
/// PID namespace is gone), so nothing changes these files while they are checked and published.
/// </summary>
internal static class BuiltWheels
{
    /// <summary>Regular <c>*.whl</c> files directly in <paramref name="folder"/>, in name order; none when the folder is missing.</summary>
    /// <exception cref="InvalidOperationException">The folder itself was replaced by a link.</exception>
    public static IReadOnlyList<string> In(string folder)
    {
        var directory = new DirectoryInfo(folder);
        if (!directory.Exists)
            return [];
        if (directory.LinkTarget is not null)
            throw new InvalidOperationException($"The build replaced its wheel folder with a link to {directory.LinkTarget}; nothing it made is published.");

        return
        [
            .. directory.EnumerateFiles("*.whl")
                // FIFOs and sockets have no length (reading a FIFO would wait forever); no wheel is empty.
                .Where(static f => f.LinkTarget is null && (f.Attributes & (FileAttributes.ReparsePoint | FileAttributes.Device)) == 0 && f.Length > 0)
                .Select(static f => f.FullName)
                .Order(StringComparer.Ordinal),
        ];
    }
}
