namespace PypiForge.Protos.Jobs;

public enum TargetState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,

    /// <summary>Final from the start: a requirement's Requires-Python excludes the target's Python, so it is not built
    /// and does not count against the build (set only when a build is opened).</summary>
    NotApplicable,
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
/// <param name="Error">The longer text: what failed, what is served, what was rejected.</param>
/// <param name="Reason">One line for a person, first: why the target did not succeed (null when it did).</param>
/// <param name="Kind">The reason's kind, for scripts.</param>
public sealed record TargetOutcome(
    TargetState State,
    string? Error,
    IReadOnlyList<string> LogTail,
    IReadOnlyList<PublishedWheel> Wheels,
    TimeSpan Duration,
    string? Reason = null,
    FailureKind Kind = FailureKind.None);
