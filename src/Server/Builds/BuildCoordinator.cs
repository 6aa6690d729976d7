using System.Collections.Concurrent;
using System.Threading.Channels;
using Hangfire;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>Builds: validates requests, records them, queues one Hangfire job per target and follows them to the end.</summary>
/// <remarks>Records live in memory and, with PostgreSQL queue storage, also in the database (<see cref="IBuildStore"/>):
/// a restarted server loads them, so no queued, running or finished build is forgotten.</remarks>
public sealed class BuildCoordinator
{
    private const int MaxRequirements = 100;
    private readonly ConcurrentDictionary<string, BuildRecord> builds = new(StringComparer.Ordinal);
    private readonly Lock requestLock = new();
    private readonly List<BuildRecord> ordered = [];
    private readonly Dictionary<string, BuildRecord> byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly IBackgroundJobClient jobs;
    private readonly LiveTargets liveTargets;
    private readonly IBuildStore store;
    private readonly TimeProvider time;
    private readonly ILogger<BuildCoordinator> logger;
    private readonly string logRoot;

    internal BuildCoordinator(
        IBackgroundJobClient jobs,
        LiveTargets liveTargets,
        IBuildStore store,
        IOptions<CatalogOptions> catalogOptions,
        TimeProvider time,
        ILogger<BuildCoordinator> logger)
    {
        this.jobs = jobs;
        this.liveTargets = liveTargets;
        this.store = store;
        this.time = time;
        this.logger = logger;
        logRoot = Path.Combine(catalogOptions.Value.StatePath, "builds");
        foreach (var stored in store.LoadAll())
        {
            var record = BuildRecord.FromStored(stored);
            builds[record.Id] = record;
            ordered.Add(record);
            if (record.IdempotencyKey is not null)
            {
                byIdempotencyKey[record.IdempotencyKey] = record;
            }
        }

        if (ordered.Count > 0)
        {
            BuildsLog.Restored(logger, ordered.Count, ordered.Count(static b => !b.IsFinished));
        }
    }

    public Build Request(RequestBuildRequest request)
    {
        var requirements = Validate(request.Requirements);
        var live = liveTargets.Names();
        var targets = request.Targets.Count == 0 ? live : [.. request.Targets.Distinct(StringComparer.Ordinal)];
        if (live.Count == 0)
        {
            throw new BuildApiException(BuildErrorKind.FailedPrecondition,
                "No build agent is running, so no target can build. Check Agent:Interpreters and Agent:Targets, and the server log for interpreters that could not be used or a build sandbox that could not be made (Agent:Sandbox).");
        }

        var unknown = targets.Where(t => !live.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new BuildApiException(BuildErrorKind.InvalidArgument,
                $"Unknown target(s): {string.Join(", ", unknown)}. Known targets: {string.Join(", ", live)}.");
        }

        var withDependencies = !request.NoDeps;
        var dedupeKey = $"{string.Join(' ', requirements.Order(StringComparer.Ordinal))}|deps={withDependencies}|pre={request.Pre}";
        BuildRecord record;
        lock (requestLock)
        {
            var key = string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey;
            if (key is not null && byIdempotencyKey.TryGetValue(key, out var same))
            {
                return Snapshot(same);
            }

            var running = ordered.LastOrDefault(b => b.DedupeKey == dedupeKey && !Finished(b) && targets.All(t => Has(b, t)));
            if (running is not null)
            {
                return Snapshot(running);
            }

            var id = Guid.NewGuid().ToString("N")[..12];
            record = new BuildRecord(id, requirements, withDependencies, request.Pre, key, dedupeKey, time.GetUtcNow());
            foreach (var target in targets)
            {
                record.Targets.Add(new TargetRecord(target, Path.Combine(logRoot, id, target + ".log")));
            }

            builds[id] = record;
            ordered.Add(record);
            if (key is not null)
            {
                byIdempotencyKey[key] = record;
            }
        }

        try
        {
            Queue(record, requirements);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Npgsql.NpgsqlException
            or TimeoutException or BackgroundJobClientException)
        {
            Abandon(record, ex);
            throw new BuildApiException(BuildErrorKind.Unavailable,
                $"The build could not be queued: {ex.Message} Nothing was queued; see the server log, fix the cause and request the build again.");
        }

        return Snapshot(record);
    }

    /// <summary>Creates the build's log folder, saves it, and queues one job per target.</summary>
    private void Queue(BuildRecord record, IReadOnlyList<string> requirements)
    {
        Directory.CreateDirectory(Path.Combine(logRoot, record.Id));

        // Saved before its jobs exist, so an agent never takes a job of a build a restarted server would not know.
        Persist(record);
        var display = string.Join(' ', requirements);
        foreach (var target in record.Targets)
        {
            var name = target.Name;
            var jobId = jobs.Enqueue<IBuildJob>(BuildQueues.ForTarget(name), job => job.RunAsync(record.Id, display, name, CancellationToken.None));
            lock (record.Sync)
            {
                target.JobId = jobId;
            }
        }

        Persist(record);
        BuildsLog.Requested(logger, record.Id, display, string.Join(", ", record.Targets.Select(static t => t.Name)));
    }

    /// <summary>Ends a build whose queueing failed part-way: its queued jobs are deleted and its targets failed with the
    /// reason, so it neither runs nor captures an identical request (or a retry with the same idempotency key).</summary>
    private void Abandon(BuildRecord record, Exception cause)
    {
        BuildsLog.QueueFailed(logger, cause, record.Id, cause.Message);
        var reason = $"Could not be queued: {cause.Message}";
        var queued = new List<string>();
        lock (record.Sync)
        {
            foreach (var target in record.Targets.Where(static t => !t.IsFinished))
            {
                if (target.JobId is not null)
                {
                    queued.Add(target.JobId);
                }

                Finish(record, target, TargetState.Failed, reason);
            }
        }

        lock (requestLock)
        {
            if (record.IdempotencyKey is not null && byIdempotencyKey.GetValueOrDefault(record.IdempotencyKey) == record)
            {
                byIdempotencyKey.Remove(record.IdempotencyKey);
            }
        }

        foreach (var jobId in queued)
        {
            TryQuietly(() => jobs.Delete(jobId));
        }

        // A record saved as queued before the failure would come back queued after a restart; save it failed if the store
        // answers now.
        TryQuietly(() => Persist(record));
    }

    private void TryQuietly(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
        {
            BuildsLog.CleanUpFailed(logger, ex.Message);
        }
    }

    public Build Get(string id) => Snapshot(Find(id));

    public ListBuildsResponse List(ListBuildsRequest request)
    {
        var pageSize = request.PageSize <= 0 ? 50 : Math.Min(request.PageSize, 500);
        var offset = 0;
        if (!string.IsNullOrEmpty(request.PageToken) && (!int.TryParse(request.PageToken, out offset) || offset < 0))
        {
            throw new BuildApiException(BuildErrorKind.InvalidArgument, "page_token is not one this server gave out; start without it.");
        }

        var state = BuildMapping.FromProto(request.State);
        var project = string.IsNullOrWhiteSpace(request.Project) ? null : ProjectName.Normalize(request.Project.Trim());
        List<BuildRecord> all;
        lock (requestLock)
        {
            all = [.. ordered];
        }

        var matching = all.AsEnumerable().Reverse().Where(b =>
        {
            lock (b.Sync)
            {
                return (state is null || b.State == state)
                    && (project is null || b.Requirements.Any(r => Requirement.TryParse(r, out var req, out _) && req.NormalizedName == project));
            }
        }).Skip(offset).Take(pageSize + 1).ToList();

        var response = new ListBuildsResponse();
        response.Builds.AddRange(matching.Take(pageSize).Select(Snapshot));
        response.NextPageToken = matching.Count > pageSize ? (offset + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        return response;
    }

    /// <summary>Cancels what has not finished: queued jobs are removed, running pip processes are stopped.</summary>
    public Build Cancel(string id)
    {
        var record = Find(id);
        var toDelete = new List<string>();
        lock (record.Sync)
        {
            foreach (var target in record.Targets.Where(static t => !t.IsFinished))
            {
                target.CancelRequested = true;
                if (target.State == TargetState.Queued)
                {
                    Finish(record, target, TargetState.Cancelled, "Cancelled before it started.");
                }

                target.Cancellation.Cancel();
                if (target.JobId is not null)
                {
                    toDelete.Add(target.JobId);
                }
            }
        }

        // Deleting the job also cancels it on a remote agent (Hangfire checks its state while it runs).
        foreach (var jobId in toDelete)
        {
            jobs.Delete(jobId);
        }

        Persist(record);
        BuildsLog.Cancelled(logger, id);
        Publish(record, null);
        return Get(id);
    }

    /// <summary>The build now, then every change and log line, until the build ends.</summary>
    public ChannelReader<BuildEvent> Watch(string id)
    {
        var record = Find(id);
        var channel = Channel.CreateBounded<BuildEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (record.Sync)
        {
            channel.Writer.TryWrite(new BuildEvent { Build = BuildMapping.ToProto(record) });
            if (record.IsFinished)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                record.Watchers.Add(channel);
            }
        }

        return channel.Reader;
    }

    public IReadOnlyList<Target> Targets() => liveTargets.List(target =>
    {
        List<BuildRecord> all;
        lock (requestLock)
        {
            all = [.. ordered];
        }

        return all.Sum(b =>
        {
            lock (b.Sync)
            {
                return b.Targets.Count(t => t.Name == target && t.State == TargetState.Running);
            }
        });
    });

    internal BuildRecord? TryFind(string id) => builds.GetValueOrDefault(id);

    /// <summary>Saves the record's state now (PostgreSQL storage); called after each change of a target's state, not per log line.</summary>
    internal void Persist(BuildRecord record)
    {
        StoredBuild stored;
        lock (record.Sync)
        {
            stored = record.ToStored();
        }

        store.Save(stored);
    }

    /// <summary>Sends an event to the build's watchers (a snapshot when <paramref name="log"/> is null); ends them when the build ends.</summary>
    internal static void Publish(BuildRecord record, LogLine? log)
    {
        lock (record.Sync)
        {
            var message = log is null ? new BuildEvent { Build = BuildMapping.ToProto(record) } : new BuildEvent { Log = log };
            var finished = log is null && record.IsFinished;
            foreach (var watcher in record.Watchers)
            {
                watcher.Writer.TryWrite(message);
                if (finished)
                {
                    watcher.Writer.TryComplete();
                }
            }

            if (finished)
            {
                record.Watchers.Clear();
            }
        }
    }

    internal void Finish(BuildRecord record, TargetRecord target, TargetState state, string? error)
    {
        target.State = state;
        target.Error ??= error;
        target.FinishedAt = time.GetUtcNow();
        if (record.IsFinished)
        {
            record.FinishedAt = target.FinishedAt;
        }
    }

    private static bool Finished(BuildRecord record)
    {
        lock (record.Sync)
        {
            return record.IsFinished;
        }
    }

    private static bool Has(BuildRecord record, string target)
    {
        lock (record.Sync)
        {
            return record.Find(target) is not null;
        }
    }

    private static Build Snapshot(BuildRecord record)
    {
        lock (record.Sync)
        {
            return BuildMapping.ToProto(record);
        }
    }

    private BuildRecord Find(string id) =>
        builds.GetValueOrDefault(id ?? string.Empty)
        ?? throw new BuildApiException(BuildErrorKind.NotFound, $"No build with id '{id}'. ListBuilds shows the builds this server knows.");

    private static List<string> Validate(Google.Protobuf.Collections.RepeatedField<string> requirements)
    {
        if (requirements.Count == 0)
        {
            throw new BuildApiException(BuildErrorKind.InvalidArgument, "requirements is empty: name at least one PEP 508 requirement, e.g. \"flask==3.0.3\".");
        }

        if (requirements.Count > MaxRequirements)
        {
            throw new BuildApiException(BuildErrorKind.InvalidArgument, $"At most {MaxRequirements} requirements per build; split the request.");
        }

        var valid = new List<string>();
        var index = 0;
        foreach (var text in requirements)
        {
            index++;
            if (!Requirement.TryParse(text, out var requirement, out var error))
            {
                throw new BuildApiException(BuildErrorKind.InvalidArgument, $"Requirement #{index} '{Printable(text)}' is not valid: {error}");
            }

            valid.Add(requirement.ToString());
        }

        return [.. valid.Distinct(StringComparer.Ordinal)];
    }

    // Control characters in an echoed requirement would garble the error a person reads.
    private static string Printable(string text)
    {
        var clean = new string([.. text.Take(200).Select(static c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 200 ? clean + "…" : clean;
    }
}
