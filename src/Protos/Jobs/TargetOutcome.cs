namespace PypiForge.Protos.Jobs;

public enum TargetState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public enum WheelPublishOutcome
{
    Published,
    AlreadyServed,
    Conflict,
    Rejected,
}

/// <summary>One wheel pip produced, and what became of it.</summary>
public sealed record PublishedWheel(string FileName, long Size, string Sha256, WheelPublishOutcome Outcome, string? Detail);

/// <summary>How a target of a build ended.</summary>
public sealed record TargetOutcome(
    TargetState State,
    string? Error,
    IReadOnlyList<string> LogTail,
    IReadOnlyList<PublishedWheel> Wheels,
    TimeSpan Duration);
