using System.Globalization;

namespace PypiForge.Agent.Tests.Support;

/// <summary>Whether processes the tests started are still running, read from /proc.</summary>
public static class Processes
{
    /// <summary>
    /// True while the process exists and is not a zombie: an orphan killed in a container may stay
    /// a zombie when PID 1 does not reap, but it no longer runs.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        // "pid (comm) S ...": the state follows the last ')' since comm may contain anything.
        var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state is not ("Z" or "X");
    }

    /// <summary>Waits (bounded) until none of the processes runs; returns those still running.</summary>
    public static async Task<IReadOnlyList<int>> WaitUntilGoneAsync(IEnumerable<int> pids, TimeSpan limit)
    {
        var remaining = pids.ToList();
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            remaining.RemoveAll(pid => !IsRunning(pid));
            if (remaining.Count == 0 || DateTime.UtcNow >= deadline)
                return remaining;
            await Task.Delay(50);
        }
    }

    /// <summary>Reads a pid a fake executable wrote; waits (bounded) for the file to appear.</summary>
    public static async Task<int> ReadPidFileAsync(string path, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return pid;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"{path} did not receive a pid within {limit.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>Ends a process a test started, by pid, if it still runs (clean-up after a failed assertion).</summary>
    public static void KillIfRunning(int pid)
    {
        if (!IsRunning(pid))
            return;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
