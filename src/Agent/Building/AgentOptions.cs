using PypiForge.Agent.Sandbox;

namespace PypiForge.Agent.Building;

/// <summary>How an agent builds, and how a remote agent reaches its server. Bound from the "Agent" configuration section,
/// by the server for its embedded agent and by remote agents. <see cref="Server"/>, <see cref="Token"/> and
/// <see cref="IndexUrl"/> are a remote agent's own (checked by RemoteAgentOptionsValidator); the embedded agent ignores them.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Host interpreters to build with; each becomes a target (its tags are discovered by running it). With neither these nor
    /// <see cref="Targets"/> configured: <c>python3</c>. (Empty here, filled after binding: the binder appends to a list, so a default item would always stay.)</summary>
    public List<string> Interpreters { get; set; } = [];

    /// <summary>Targets in root filesystems (Agent:Targets:N:Root and :Interpreter), next to <see cref="Interpreters"/>.</summary>
    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>Concurrent builds on this agent.</summary>
    public int WorkerCount { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>A build running longer than this is killed (with its whole process tree) and fails.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many more times a build runs pip after a passing failure (an index unreachable, a connection reset,
    /// a 5xx from an index); 0 never runs it again. A compile error or a missing distribution on a reachable index is
    /// never run again.</summary>
    public int TransientRetries { get; set; } = 3;

    /// <summary>The wait before the first re-run after a passing failure; each further wait is twice the one before.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>More indexes for pip, after this server's own (pip's --extra-index-url).</summary>
    public List<string> ExtraIndexUrls { get; set; } = [];

    /// <summary>Where per-build working directories are made; default: the system temp folder.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Bubblewrap (the default) runs every build and discovery in a sandbox; None builds with the agent's rights.</summary>
    public SandboxMode Sandbox { get; set; } = SandboxMode.Bubblewrap;

    /// <summary>The bubblewrap executable: a name looked up on PATH, or a path.</summary>
    public string Bubblewrap { get; set; } = "bwrap";

    /// <summary>When the agent runs as root, each sandbox runs as its own user from this uid up (one per concurrent run).</summary>
    public int SandboxFirstUid { get; set; } = 63000;

    /// <summary>More host folders a host target's builds may read (e.g. a compiler under /opt); the interpreter's own are added by themselves.</summary>
    public List<string> SandboxReadOnlyPaths { get; set; } = [];

    /// <summary>Memory, processes, scratch space and priority of each build.</summary>
    public BuildLimits Limits { get; set; } = new();

    /// <summary>Remote agents: the server's gRPC address, e.g. http://pypi.example:50051 (--server).</summary>
    public Uri? Server { get; set; }

    /// <summary>Remote agents: sent on every call as "authorization: Bearer &lt;token&gt;" (--token); empty sends none.</summary>
    public string? Token { get; set; }

    /// <summary>Remote agents: the index pip reads from. Default: the server's /simple/ on the --server host and the HTTP port the server reports.</summary>
    public Uri? IndexUrl { get; set; }
}
