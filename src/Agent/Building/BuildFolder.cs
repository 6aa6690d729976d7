using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace PypiForge.Agent.Building;

/// <summary>A build's working folder (<c>pypiforge-build-&lt;build&gt;-&lt;target&gt;-&lt;32 hex&gt;</c>) in the agent's
/// work directory, with a lock file next to it held for as long as the build runs. The lock is taken before the folder
/// exists and dies with the process, so a later start (of this agent or of another sharing the directory) tells the
/// folder of a killed build from a live one without guessing from times or process ids.</summary>
public sealed partial class BuildFolder : IDisposable
{
    private const string LockSuffix = ".lock";
    private readonly FileStream held;

    private BuildFolder(DirectoryInfo directory, FileStream held)
    {
        Directory = directory;
        this.held = held;
    }

    public DirectoryInfo Directory { get; }

    public static BuildFolder Create(string parent, string buildId, string target)
    {
        System.IO.Directory.CreateDirectory(parent);
        var path = Path.Combine(parent, $"pypiforge-build-{buildId}-{target}-{Guid.NewGuid():N}");
        var held = Hold(path, FileMode.CreateNew);
        try
        {
            return new BuildFolder(System.IO.Directory.CreateDirectory(path), held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Removes the build folders in <paramref name="parent"/> whose lock nobody holds: their builds were killed
    /// with their agent. Returns how many; folders of running builds (any process) are left alone. Safe to call while
    /// this agent builds (at start and periodically).</summary>
    public static int RemoveStale(string parent, ILogger logger)
    {
        if (!System.IO.Directory.Exists(parent))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in System.IO.Directory.EnumerateDirectories(parent, "pypiforge-build-*"))
        {
            if (!FolderName().IsMatch(Path.GetFileName(path)))
            {
                continue;
            }

            FileStream lockFile;
            try
            {
                lockFile = Hold(path, FileMode.OpenOrCreate);
            }
            catch (IOException)
            {
                continue; // held: a live build's folder
            }
            catch (UnauthorizedAccessException)
            {
                continue; // another user's agent: not ours to judge
            }

            using (lockFile)
            {
                try
                {
                    System.IO.Directory.Delete(path, recursive: true);
                    removed++;
                }
                catch (DirectoryNotFoundException)
                {
                    // Its build ended and removed it after the listing: nothing stale.
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    AgentLog.CleanupFailed(logger, path, ex.Message);
                }
            }
        }

        return removed;
    }

    /// <summary>Releases the lock (and removes the lock file); call after the folder itself is removed.</summary>
    public void Dispose() => held.Dispose();

    // FileShare.None takes an exclusive flock on Unix, released by the kernel when the process dies, however it dies.
    private static FileStream Hold(string folderPath, FileMode mode) =>
        new(folderPath + LockSuffix, mode, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);

    [GeneratedRegex("\\Apypiforge-build-.+-[0-9a-f]{32}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex FolderName();
}
