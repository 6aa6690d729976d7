using System.Runtime.InteropServices;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Pip;

/// <summary>
/// Runs a command as the leader of its own process group (through util-linux <c>setsid</c>,
/// which execs in place, so the group id is the pid CliWrap reports) and signals the whole
/// group. pip runs setup.py and build backends as child processes; a signal sent to pip alone
/// leaves them running once pip exits, and a tree walk misses those already orphaned.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigInt = 2;
    public const int SigKill = 9;

    private static readonly Lazy<string?> SetsidPath = new(() =>
        OperatingSystem.IsLinux() ? ExecutableLocator.Find("setsid") : null);

    /// <summary>The setsid executable, or null where there is none (then signals go to the pid only).</summary>
    public static string? Setsid => SetsidPath.Value;

    /// <summary>
    /// Sends a signal to the process group led by <paramref name="pid"/>; when there is no such
    /// group (no setsid, or it has not run yet) and <paramref name="includeLeader"/> is set, to
    /// the process alone. Returns false when nothing was signalled.
    /// </summary>
    /// <param name="includeLeader">
    /// Only while the leader is known to be alive: the pid of a reaped process may be reused.
    /// A group id cannot be reused while any member of the group lives.
    /// </param>
    public static bool Signal(int pid, int signal, bool includeLeader)
    {
        // Never signal ourselves or init: -1 and 0 mean "every process" and "our own group".
        if (pid <= 1 || pid == Environment.ProcessId || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            return false;
        return Kill(-pid, signal) == 0 || (includeLeader && Kill(pid, signal) == 0);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
