namespace PypiForge.Server.Queue;

/// <summary>The job queue and its dashboard. Bound from the "Queue" configuration section.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Run an agent inside the server, building with Agent:Interpreters. Switch off when only remote agents build.</summary>
    public bool EmbeddedAgent { get; set; } = true;

    /// <summary>The largest wheel a remote agent may send (PublishWheel).</summary>
    public long MaxWheelBytes { get; set; } = 512L * 1024 * 1024;
}
