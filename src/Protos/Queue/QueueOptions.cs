namespace PypiForge.Protos.Queue;

/// <summary>The job queue: where Hangfire keeps it, and how agents find it. Bound from the "Queue" section by the server
/// and by remote agents alike: both must point at the same storage. <see cref="EmbeddedAgent"/> and
/// <see cref="MaxWheelBytes"/> are the server's own; an agent ignores them.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Server: run an agent inside the server, building with Agent:Interpreters. Switch off when only remote agents build.</summary>
    public bool EmbeddedAgent { get; set; } = true;

    /// <summary>Server: the largest wheel a remote agent may send (PublishWheel).</summary>
    public long MaxWheelBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>InMemory (default: one process, the embedded agent only) or PostgreSql (shared with remote agents).</summary>
    public QueueStorageKind Storage { get; set; } = QueueStorageKind.InMemory;

    /// <summary>Npgsql connection string, for PostgreSql storage (agents: --hangfire).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>PostgreSQL schema holding Hangfire's tables and the server's build records.</summary>
    public string Schema { get; set; } = "hangfire";

    /// <summary>PostgreSQL: an idle agent is woken by LISTEN/NOTIFY when a job is queued; it also looks this often.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: a job whose agent died becomes visible to other agents after this long. A live agent keeps
    /// its running job invisible however long the build takes (sliding invisibility: its fetch time is renewed several
    /// times within this), so this is not tied to Agent:BuildTimeout; it bounds how long a dead agent's build waits before
    /// it runs again. A minute: longer only delays that, shorter risks a second run when the database stalls.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an agent tells the storage it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An agent silent for this long is dead: it leaves ListTargets and Hangfire's server list.</summary>
    public TimeSpan AgentTimeout { get; set; } = TimeSpan.FromMinutes(1);
}

public enum QueueStorageKind
{
    InMemory,
    PostgreSql,
}
