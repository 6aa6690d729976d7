using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>A build as it was at one moment; what readers (the gRPC adapter, watchers, tests) get from <see cref="BuildRecords"/>.</summary>
public sealed record BuildSnapshot(
    string Id,
    IReadOnlyList<string> Requirements,
    bool WithDependencies,
    bool Prerelease,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    TargetState State,
    IReadOnlyList<TargetSnapshot> Targets)
{
    public bool IsFinished => Targets.All(static t => t.IsFinished);
}
