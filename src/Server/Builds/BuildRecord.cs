using System.Threading.Channels;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;

namespace PypiForge.Server.Builds;

/// <summary>A build and its targets. Mutable, guarded by <see cref="Sync"/>; readers get proto snapshots.</summary>
internal sealed class BuildRecord(
    string id,
    IReadOnlyList<string> requirements,
    bool withDependencies,
    bool prerelease,
    string? idempotencyKey,
    string dedupeKey,
    DateTimeOffset createdAt)
{
    public Lock Sync { get; } = new();

    public string Id { get; } = id;

    public IReadOnlyList<string> Requirements { get; } = requirements;

    public bool WithDependencies { get; } = withDependencies;

    public bool Prerelease { get; } = prerelease;

    public string? IdempotencyKey { get; } = idempotencyKey;

    public string DedupeKey { get; } = dedupeKey;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Bumped on every save, so a late save of an older state never overwrites a newer one.</summary>
    public long Version { get; set; }

    public List<TargetRecord> Targets { get; } = [];

    public List<Channel<BuildEvent>> Watchers { get; } = [];

    public bool IsFinished => Targets.All(static t => t.IsFinished);

    public TargetState State =>
        Targets.Any(static t => t.State == TargetState.Running) ? TargetState.Running
        : !IsFinished ? (Targets.Any(static t => t.IsFinished) ? TargetState.Running : TargetState.Queued)
        : Targets.Any(static t => t.State == TargetState.Failed) ? TargetState.Failed
        : Targets.Any(static t => t.State == TargetState.Cancelled) ? TargetState.Cancelled
        : TargetState.Succeeded;

    public TargetRecord? Find(string target) => Targets.FirstOrDefault(t => t.Name == target);

    /// <summary>The record to persist; call under <see cref="Sync"/>.</summary>
    public StoredBuild ToStored() => new(
        Id, ++Version, Requirements, WithDependencies, Prerelease, IdempotencyKey, DedupeKey, CreatedAt, FinishedAt,
        [.. Targets.Select(static t => new StoredTarget(
            t.Name, t.LogPath, t.State, t.JobId, [.. t.Wheels], t.Error, [.. t.Tail], t.StartedAt, t.FinishedAt, t.Duration, t.CancelRequested, t.ClaimHash))]);

    public static BuildRecord FromStored(StoredBuild stored)
    {
        var record = new BuildRecord(stored.Id, stored.Requirements, stored.WithDependencies, stored.Prerelease, stored.IdempotencyKey, stored.DedupeKey, stored.CreatedAt)
        {
            FinishedAt = stored.FinishedAt,
            Version = stored.Version,
        };
        foreach (var t in stored.Targets)
        {
            var target = new TargetRecord(t.Name, t.LogPath)
            {
                State = t.State,
                JobId = t.JobId,
                Error = t.Error,
                StartedAt = t.StartedAt,
                FinishedAt = t.FinishedAt,
                Duration = t.Duration,
                CancelRequested = t.CancelRequested,
            };
            target.RestoreClaim(t.ClaimHash);
            target.Wheels.AddRange(t.Wheels);
            foreach (var line in t.Tail)
            {
                target.AddLine(line);
            }

            if (t.CancelRequested)
            {
                target.Cancellation.Cancel();
            }

            record.Targets.Add(target);
        }

        return record;
    }
}

/// <summary>One target of a build.</summary>
internal sealed class TargetRecord(string name, string logPath)
{
    public const int TailLines = 200;

    public string Name { get; } = name;

    public string LogPath { get; } = logPath;

    public TargetState State { get; set; } = TargetState.Queued;

    public string? JobId { get; set; }

    public List<PublishedWheel> Wheels { get; } = [];

    public string? Error { get; set; }

    public Queue<string> Tail { get; } = new();

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public TimeSpan? Duration { get; set; }

    public bool CancelRequested { get; set; }

    public CancellationTokenSource Cancellation { get; } = new();

    public bool IsFinished => State is TargetState.Succeeded or TargetState.Failed or TargetState.Cancelled;

    /// <summary>The sha256 of the secret the remote agent that began this target holds (null when no remote agent
    /// holds it). Only the hash is kept, in memory and in PostgreSQL.</summary>
    public string? ClaimHash { get; private set; }

    /// <summary>A new claim for the remote agent beginning this target; any earlier claim stops working.</summary>
    public string Claim()
    {
        var (secret, hash) = TargetClaim.New();
        ClaimHash = hash;
        return secret;
    }

    /// <summary>No remote agent holds this target (the embedded agent began it, or it ended).</summary>
    public void Release() => ClaimHash = null;

    public bool IsHeldBy(string? claim) => TargetClaim.Matches(ClaimHash, claim);

    public void RestoreClaim(string? hash) => ClaimHash = hash;

    public void AddLine(string line)
    {
        Tail.Enqueue(line);
        while (Tail.Count > TailLines)
        {
            Tail.Dequeue();
        }
    }
}
