namespace PypiForge.Agent.Building;

/// <summary>How an agent builds. Bound from the "Agent" configuration section.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Interpreters to build with; each becomes a target (its tags are discovered by running it). None configured:
    /// <c>python3</c>. (Empty here, filled after binding: the binder appends to a list, so a default item would always stay.)</summary>
    public List<string> Interpreters { get; set; } = [];

    /// <summary>Concurrent builds on this agent.</summary>
    public int WorkerCount { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>A build running longer than this is killed (with its whole process tree) and fails.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>More indexes for pip, after this server's own (pip's --extra-index-url).</summary>
    public List<string> ExtraIndexUrls { get; set; } = [];

    /// <summary>Where per-build working directories are made; default: the system temp folder.</summary>
    public string? WorkDirectory { get; set; }
}
