using System.Text.Json.Serialization;
using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>A build as it is persisted (PostgreSQL storage): everything a restarted server needs to go on serving it.</summary>
internal sealed record StoredBuild(
    string Id,
    long Version,
    IReadOnlyList<string> Requirements,
    bool WithDependencies,
    bool Prerelease,
    string? IdempotencyKey,
    string DedupeKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<StoredTarget> Targets);

/// <remarks>Reason and Kind came with issue 12; rows saved before have neither and read as none.</remarks>
internal sealed record StoredTarget(
    string Name,
    string LogPath,
    TargetState State,
    string? JobId,
    IReadOnlyList<PublishedWheel> Wheels,
    string? Error,
    IReadOnlyList<string> Tail,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    TimeSpan? Duration,
    bool CancelRequested,
    string? ClaimHash = null,
    AgentLoss? AgentLost = null,
    string? Reason = null,
    FailureKind Kind = FailureKind.None);

[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredBuild))]
internal sealed partial class StoredBuildJsonContext : JsonSerializerContext;
