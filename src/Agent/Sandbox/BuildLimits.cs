namespace PypiForge.Agent.Sandbox;

/// <summary>Limits on one sandboxed run (a build or a target discovery). Bound from "Agent:Limits".</summary>
public sealed class BuildLimits
{
    /// <summary>Address space of each process, in MiB (RLIMIT_AS): a runaway compiler or test fails instead of swapping the machine.</summary>
    public long MemoryMiB { get; set; } = 8192;

    /// <summary>Processes and threads the build's user may run at once (RLIMIT_NPROC); each build has a user of its own.</summary>
    public int Processes { get; set; } = 512;

    /// <summary>What the build may write into its scratch folder, in MiB; the largest single file is capped at the same size (RLIMIT_FSIZE).</summary>
    public long ScratchMiB { get; set; } = 10240;

    /// <summary>The build's CPU priority (nice, 0–19): above 0 the server's own requests go first.</summary>
    public int Nice { get; set; } = 10;

    /// <summary>Run builds under the kernel's idle scheduling policy (SCHED_IDLE, <c>chrt --idle 0</c>): a server thread that
    /// wakes takes the core from a build at once instead of waiting out the build's time slice, so index latency stays
    /// near idle while builds compile. Builds then get what the server leaves (all of it when the index is quiet).</summary>
    public bool IdleScheduling { get; set; } = true;

    /// <summary>The build's I/O priority in the kernel's best-effort class (ionice -c 2 -n, 0–7; 4 is a normal process's):
    /// at 7 the server's reads of the package folder go first while a build unpacks and links.</summary>
    public int IoPriority { get; set; } = 7;

    /// <summary>How often the scratch folder's size is measured against <see cref="ScratchMiB"/>.</summary>
    public TimeSpan ScratchCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
