using System.Threading.Channels;
using PypiForge.Protos.Jobs;
using PypiForge.Packaging;
using PypiForge.Server.Metrics;

namespace PypiForge.Server.Builds;

/// <summary>The one owner of build records: opens them, begins, logs, completes and cancels their targets, and hands out
/// snapshots. Every change happens behind one private lock, goes through <see cref="TargetTransitions"/>, is saved
/// through the <see cref="IBuildStore"/> (log lines are not; the log file and the watchers have them) and then told to
/// the build's watchers. Nothing else holds a record.</summary>
public sealed class BuildRecords
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, BuildRecord> byId = new(StringComparer.Ordinal);
    private readonly List<BuildRecord> ordered = [];
    private readonly Dictionary<string, BuildRecord> byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly IBuildStore store;
    private readonly TimeProvider time;
    private readonly ILogger<BuildRecords> logger;
    private readonly ServerMetrics? metrics;

    internal BuildRecords(IBuildStore store, TimeProvider time, ILogger<BuildRecords> logger, ServerMetrics? metrics = null)
    {
        this.store = store;
        this.time = time;
        this.logger = logger;
        this.metrics = metrics;
    }

    /// <summary>Takes in the builds a restarted server saved (once, at start-up, before any agent or client calls).</summary>
    internal void Restore(IReadOnlyList<StoredBuild> saved)
    {
        lock (sync)
        {
            foreach (var record in saved.Select(BuildRecord.FromStored))
            {
                Add(record);
            }
        }

        if (saved.Count > 0)
        {
            BuildsLog.Restored(logger, saved.Count, saved.Count(static b => b.Targets.Any(static t => !TargetTransitions.IsFinal(t.State))));
        }
    }

    /// <summary>The build that serves <paramref name="build"/>: the one its idempotency key made, an unfinished one for the
    /// same requirements and targets, or (<c>IsNew</c>) a new queued one, kept in memory until <see cref="Save"/>.</summary>
    internal (BuildSnapshot Build, bool IsNew) Open(NewBuild build)
    {
        lock (sync)
        {
            if (build.IdempotencyKey is not null && byIdempotencyKey.TryGetValue(build.IdempotencyKey, out var same))
            {
                return (same.Snapshot(), false);
            }

            var running = ordered.LastOrDefault(b => b.DedupeKey == build.DedupeKey && !b.IsFinished && build.Targets.All(t => b.Find(t.Name) is not null));
            if (running is not null)
            {
                return (running.Snapshot(), false);
            }

            var now = time.GetUtcNow();
            var record = new BuildRecord(build.Id, build.Requirements, build.WithDependencies, build.Prerelease, build.IdempotencyKey,
                build.DedupeKey, now, [.. build.Targets.Select(t => t.NotApplicable is { } reason
                    ? TargetRecord.NotApplicable(t.Name, t.LogPath, reason, now)
                    : new TargetRecord(t.Name, t.LogPath))]);
            Add(record);
            return (record.Snapshot(), true);
        }
    }

    /// <summary>Saves the build as it stands (a new build is saved before its jobs exist, so an agent never takes a job of
    /// a build a restarted server would not know).</summary>
    internal void Save(string id) => Change(id, static _ => true);

    /// <summary>Notes each target's Hangfire job and saves.</summary>
    internal void Queued(string id, IReadOnlyDictionary<string, string> jobIds) => Change(id, record =>
    {
        foreach (var (target, jobId) in jobIds)
        {
            record.Find(target)?.AssignJob(jobId);
        }

        return true;
    });

    /// <summary>Fails every unfinished target of a build whose queueing failed (noting the jobs queued before the failure,
    /// which the caller deletes) and forgets its idempotency key, so it neither runs nor captures a retry; saves it
    /// failed if the store answers now.</summary>
    internal void Abandon(string id, string reason, IReadOnlyDictionary<string, string> jobIds)
    {
        try
        {
            Change(id, record =>
            {
                foreach (var (target, jobId) in jobIds)
                {
                    record.Find(target)?.AssignJob(jobId);
                }

                var now = time.GetUtcNow();
                foreach (var target in record.Targets.Where(static t => !t.IsFinished))
                {
                    target.Finish(TargetState.Failed, reason, now, FailureKind.Other);
                    record.NoteFinished(now);
                    metrics?.TargetFinished(target.Name, target.State);
                }

                if (record.IdempotencyKey is not null && byIdempotencyKey.GetValueOrDefault(record.IdempotencyKey) == record)
                {
                    byIdempotencyKey.Remove(record.IdempotencyKey);
                }

                return true;
            });
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
        {
            // A record saved as queued before the failure would come back queued after a restart; it stays failed here.
            BuildsLog.CleanUpFailed(logger, ex.Message);
        }
    }

    /// <summary>Queued or running → running, or null when there is nothing to do (no such build or target, finished, or
    /// cancelled: a re-run job exits early). Saved and told.</summary>
    internal TargetStart? Begin(string id, string target, bool remote)
    {
        TargetStart? start = null;
        Change(id, record =>
        {
            var state = record.Find(target);
            if (state is null || state.IsFinished || state.CancelRequested)
            {
                return false;
            }

            var claim = state.Begin(time.GetUtcNow(), remote);
            start = new TargetStart(record.Requirements, record.WithDependencies, record.Prerelease, state.LogPath, claim, state.Cancelled);
            return true;
        });
        return start;
    }

    /// <summary>Failed or cancelled → queued again, because a person requeued the target's Hangfire job (the dashboard's
    /// "Requeue", or Hangfire's API): the job that runs next is then a new attempt, which <see cref="Begin"/> lets run,
    /// instead of a re-run that exits early. Null, and nothing changes, for an unknown build or target or one that is not
    /// failed or cancelled: a succeeded target stays succeeded (its requeued job finds nothing to do) and a queued or
    /// running one is being built already. Saved and told; the note is the first line of the new attempt's log.</summary>
    internal RequeuedTarget? Requeue(string id, string target)
    {
        RequeuedTarget? requeued = null;
        Change(id, record =>
        {
            var state = record.Find(target);
            if (state is null || state.State is not (TargetState.Failed or TargetState.Cancelled))
            {
                return false;
            }

            var previous = state.State == TargetState.Failed ? $"it failed ({state.Error?.Split('\n')[0]})" : "it was cancelled";
            var note = $"# {time.GetUtcNow():O} {target}: requeued from the dashboard (or Hangfire's API) after {previous}; a new attempt starts when an agent takes the job.";
            state.Requeue(note);
            record.NoteReopened();
            requeued = new RequeuedTarget(state.LogPath, note);
            return true;
        });
        return requeued;
    }

    /// <summary>One line of a target's output: kept in its tail and told to the watchers (not saved per line).</summary>
    public void AppendLog(string id, string target, string line)
    {
        lock (sync)
        {
            if (byId.GetValueOrDefault(id) is { } record && record.Find(target) is { } state)
            {
                state.AddLine(line);
                record.Tell(BuildChange.Of(new BuildLogLine(target, line, time.GetUtcNow())));
            }
        }
    }

    /// <summary>Running → how the agent says the target ended. False (and nothing changes) when the build or target is
    /// unknown or the target is not running: a finished target never changes.</summary>
    internal bool Complete(string id, string target, TargetOutcome outcome)
    {
        return Change(id, record =>
        {
            var state = record.Find(target);
            if (state is null || state.State != TargetState.Running || !TargetTransitions.IsFinal(outcome.State))
            {
                return false;
            }

            var now = time.GetUtcNow();
            state.Complete(outcome, now);
            record.NoteFinished(now);
            metrics?.TargetFinished(state.Name, state.State);
            return true;
        });
    }

    /// <summary>While a target runs: notes that the agent holding it is gone, or (null) that it beats again. Saved and
    /// told only when that changes; false otherwise (also when the build or target is unknown or not running).</summary>
    internal bool NoteAgent(string id, string target, AgentLoss? loss) =>
        Change(id, record => record.Find(target)?.NoteAgent(loss) ?? false);

    /// <summary>The running targets and their Hangfire jobs, for the watch on their agents.</summary>
    internal IReadOnlyList<(string BuildId, string Target, string JobId)> RunningJobs()
    {
        lock (sync)
        {
            return [.. ordered.Where(static b => !b.IsFinished)
                .SelectMany(static b => b.Targets.Where(static t => t.State == TargetState.Running && t.JobId is not null).Select(t => (b.Id, t.Name, t.JobId!)))];
        }
    }

    /// <summary>Cancels what has not finished: queued targets end at once, running ones are signalled (their agent ends
    /// them). Returns the build and the Hangfire jobs to delete, or null when there is no such build.</summary>
    internal (BuildSnapshot Build, IReadOnlyList<string> JobIds)? Cancel(string id)
    {
        var jobIds = new List<string>();
        var found = Change(id, record =>
        {
            var now = time.GetUtcNow();
            foreach (var target in record.Targets.Where(static t => !t.IsFinished))
            {
                target.RequestCancel(now);
                if (target.IsFinished)
                {
                    record.NoteFinished(now);
                    metrics?.TargetFinished(target.Name, target.State);
                }

                if (target.JobId is not null)
                {
                    jobIds.Add(target.JobId);
                }
            }

            return true;
        });
        return found && Find(id) is { } build ? (build, jobIds) : null;
    }

    public bool CancelRequested(string id, string target)
    {
        lock (sync)
        {
            return byId.GetValueOrDefault(id)?.Find(target)?.CancelRequested ?? false;
        }
    }

    /// <summary>Whether a remote agent presenting <paramref name="claim"/> holds the running target.</summary>
    internal TargetHold Hold(string id, string target, string? claim)
    {
        lock (sync)
        {
            if (byId.GetValueOrDefault(id) is not { } record)
            {
                return new TargetHold.NoBuild();
            }

            var state = record.Find(target);
            return state is null ? new TargetHold.NoTarget(record.Id)
                : state.State != TargetState.Running ? new TargetHold.NotRunning(record.Id, state.State)
                : !state.IsHeldBy(claim) ? new TargetHold.NotHeld(record.Id)
                : new TargetHold.Held(record.Id, record.Requirements, record.WithDependencies, state.LogPath);
        }
    }

    public BuildSnapshot? Find(string id)
    {
        lock (sync)
        {
            return byId.GetValueOrDefault(id)?.Snapshot();
        }
    }

    /// <summary>Builds newest first, optionally only those in <paramref name="state"/> or requiring <paramref name="project"/>.</summary>
    public IReadOnlyList<BuildSnapshot> List(TargetState? state, string? project, int skip, int take)
    {
        var normalized = project is null ? null : ProjectName.Normalize(project);
        lock (sync)
        {
            return [.. ordered.AsEnumerable().Reverse()
                .Where(b => (state is null || b.State == state)
                    && (normalized is null || b.Projects.Contains(normalized)))
                .Skip(skip).Take(take).Select(static b => b.Snapshot())];
        }
    }

    /// <summary>The build now, then every change and log line, until the build ends; null when there is no such build.</summary>
    public ChannelReader<BuildChange>? Watch(string id)
    {
        var channel = Channel.CreateBounded<BuildChange>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (sync)
        {
            if (byId.GetValueOrDefault(id) is not { } record)
            {
                return null;
            }

            record.AddWatcher(channel);
        }

        return channel.Reader;
    }

    /// <summary>How many targets each target name has in each state, over every build held (for the metrics gauge).</summary>
    public IReadOnlyDictionary<(string Target, TargetState State), int> CountTargets()
    {
        var counts = new Dictionary<(string Target, TargetState State), int>();
        lock (sync)
        {
            foreach (var target in ordered.SelectMany(static b => b.Targets))
            {
                counts[(target.Name, target.State)] = counts.GetValueOrDefault((target.Name, target.State)) + 1;
            }
        }

        return counts;
    }

    /// <summary>Stops telling a watcher from <see cref="Watch"/> (one that disconnected before the build ended).</summary>
    public void Unwatch(string id, ChannelReader<BuildChange> reader)
    {
        lock (sync)
        {
            byId.GetValueOrDefault(id)?.RemoveWatcher(reader);
        }
    }

    /// <summary>Up to <paramref name="take"/> builds, newest first, older than the build <paramref name="before"/> (from the
    /// start when null), in <paramref name="state"/>, requiring <paramref name="project"/> (normalized) and having the
    /// target <paramref name="target"/> (each filter skipped when null). Null when <paramref name="before"/> is no known
    /// build. Only the builds returned are copied.</summary>
    public IReadOnlyList<BuildSnapshot>? ListBefore(string? before, TargetState? state, string? project, string? target, int take)
    {
        lock (sync)
        {
            var start = ordered.Count - 1;
            if (before is not null)
            {
                if (byId.GetValueOrDefault(before) is not { } cursor)
                {
                    return null;
                }

                start = ordered.LastIndexOf(cursor) - 1;
            }

            var page = new List<BuildSnapshot>(Math.Min(take, 100));
            for (var i = start; i >= 0 && page.Count < take; i--)
            {
                var b = ordered[i];
                if ((state is null || b.State == state)
                    && (target is null || b.Find(target) is not null)
                    && (project is null || b.Projects.Contains(project)))
                {
                    page.Add(b.Snapshot());
                }
            }

            return page;
        }
    }

    /// <summary>How many targets of this name are running now.</summary>
    public int RunningOn(string target)
    {
        lock (sync)
        {
            return ordered.Sum(b => b.Targets.Count(t => t.Name == target && t.State == TargetState.Running));
        }
    }

    private void Add(BuildRecord record)
    {
        byId[record.Id] = record;
        ordered.Add(record);
        if (record.IdempotencyKey is not null)
        {
            byIdempotencyKey[record.IdempotencyKey] = record;
        }
    }

    /// <summary>Applies <paramref name="change"/> under the lock; when it changed something, saves the record (outside the
    /// lock: versions order racing saves) and then tells the watchers. False when there is no such build or nothing changed.</summary>
    private bool Change(string id, Func<BuildRecord, bool> change)
    {
        BuildRecord? record;
        StoredBuild stored;
        lock (sync)
        {
            record = byId.GetValueOrDefault(id);
            if (record is null || !change(record))
            {
                return false;
            }

            stored = record.ToStored();
        }

        store.Save(stored);
        lock (sync)
        {
            record.Tell(BuildChange.Of(record.Snapshot()));
        }

        return true;
    }
}
