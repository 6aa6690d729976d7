using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>One target of a <see cref="BuildSnapshot"/>.</summary>
public sealed record TargetSnapshot(
    string Name,
    TargetState State,
    string? JobId,
    IReadOnlyList<PublishedWheel> Wheels,
    string? Error,
    IReadOnlyList<string> Tail,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    TimeSpan? Duration,
    bool CancelRequested,
    AgentLoss? AgentLost = null,
    string? Reason = null,
    FailureKind Kind = FailureKind.None)
{
    public bool IsFinished => TargetTransitions.IsFinal(State);
}
