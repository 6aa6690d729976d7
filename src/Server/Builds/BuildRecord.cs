using System.Threading.Channels;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>A build, its targets and its watchers. Changed only by <see cref="BuildRecords"/>, under its lock; readers
/// get a <see cref="BuildSnapshot"/>.</summary>
internal sealed class BuildRecord(
    string id,
    IReadOnlyList<string> requirements,
    bool withDependencies,
    bool prerelease,
    string? idempotencyKey,
    string dedupeKey,
    DateTimeOffset createdAt,
    IReadOnlyList<TargetRecord> targets)
{
    private readonly List<Channel<BuildChange>> watchers = [];
    private HashSet<string>? projects;

    public string Id { get; } = id;

    public IReadOnlyList<string> Requirements { get; } = requirements;

    /// <summary>The normalized names of the requested projects, parsed once (listings filter by project on every request).</summary>
    public IReadOnlySet<string> Projects => projects ??= [.. Requirements
        .Select(static r => Requirement.TryParse(r, out var requirement, out _) ? requirement.NormalizedName : null).OfType<string>()];

    public bool WithDependencies { get; } = withDependencies;

    public bool Prerelease { get; } = prerelease;

    public string? IdempotencyKey { get; } = idempotencyKey;

    public string DedupeKey { get; } = dedupeKey;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Bumped on every save, so a late save of an older state never overwrites a newer one.</summary>
    public long Version { get; private set; }

    public IReadOnlyList<TargetRecord> Targets { get; } = targets;

    public bool IsFinished => Targets.All(static t => t.IsFinished);

    /// <summary>The build's state, from its applicable targets only: not-applicable ones neither start nor fail it, so a
    /// build whose every applicable target succeeded has succeeded.</summary>
    public TargetState State => StateOf([.. Targets.Select(static t => t.State)]);

    internal static TargetState StateOf(IReadOnlyList<TargetState> targets)
    {
        var applicable = targets.Where(static s => s != TargetState.NotApplicable).ToList();
        return applicable.Any(static s => s == TargetState.Running) ? TargetState.Running
            : !applicable.All(TargetTransitions.IsFinal) ? (applicable.Any(TargetTransitions.IsFinal) ? TargetState.Running : TargetState.Queued)
            : applicable.Any(static s => s == TargetState.Failed) ? TargetState.Failed
            : applicable.Any(static s => s == TargetState.Cancelled) ? TargetState.Cancelled
            : TargetState.Succeeded;
    }

    public TargetRecord? Find(string target) => Targets.FirstOrDefault(t => t.Name == target);

    /// <summary>Notes the moment the last target ended (call after a target finished).</summary>
    public void NoteFinished(DateTimeOffset now)
    {
        if (IsFinished)
        {
            FinishedAt = now;
        }
    }

    /// <summary>Notes that a finished target was queued again: the build is not finished any more.</summary>
    public void NoteReopened() => FinishedAt = null;

    /// <summary>Adds a watcher: told the build now, then every change, until the build ends.</summary>
    public void AddWatcher(Channel<BuildChange> watcher)
    {
        watcher.Writer.TryWrite(BuildChange.Of(Snapshot()));
        if (IsFinished)
        {
            watcher.Writer.TryComplete();
        }
        else
        {
            watchers.Add(watcher);
        }
    }

    /// <summary>Forgets a watcher that went away before the build ended (a closed page), so its buffer is let go now.</summary>
    public void RemoveWatcher(ChannelReader<BuildChange> reader)
    {
        var index = watchers.FindIndex(w => ReferenceEquals(w.Reader, reader));
        if (index >= 0)
        {
            watchers[index].Writer.TryComplete();
            watchers.RemoveAt(index);
        }
    }

    /// <summary>Tells every watcher; a snapshot of a finished build is the last thing they hear.</summary>
    public void Tell(BuildChange change)
    {
        var finished = change.Build is not null && IsFinished;
        foreach (var watcher in watchers)
        {
            watcher.Writer.TryWrite(change);
            if (finished)
            {
                watcher.Writer.TryComplete();
            }
        }

        if (finished)
        {
            watchers.Clear();
        }
    }

    public BuildSnapshot Snapshot() => new(
        Id, Requirements, WithDependencies, Prerelease, IdempotencyKey, CreatedAt, FinishedAt, State, [.. Targets.Select(static t => t.Snapshot())]);

    /// <summary>The record to persist, with the next version.</summary>
    public StoredBuild ToStored() => new(
        Id, ++Version, Requirements, WithDependencies, Prerelease, IdempotencyKey, DedupeKey, CreatedAt, FinishedAt,
        [.. Targets.Select(static t => t.ToStored())]);

    public static BuildRecord FromStored(StoredBuild stored) =>
        new(stored.Id, stored.Requirements, stored.WithDependencies, stored.Prerelease, stored.IdempotencyKey, stored.DedupeKey, stored.CreatedAt,
            [.. stored.Targets.Select(TargetRecord.FromStored)])
        {
            FinishedAt = stored.FinishedAt,
            Version = stored.Version,
        };
}
