using Hangfire;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Jobs;
using PypiForge.Packaging;
using PypiForge.Protos.V1;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>Turns a <see cref="BuildRequest"/> into a build: checks it against the live targets, opens its record
/// (<see cref="BuildRecords"/>) and queues one Hangfire job per target on that target's queue; cancels by deleting the
/// jobs that have not ended. Refusals come back as <see cref="ScheduleResult"/> values.</summary>
public sealed class BuildScheduler
{
    private readonly IBackgroundJobClient jobs;
    private readonly ILiveTargets liveTargets;
    private readonly BuildRecords records;
    private readonly ILogger<BuildScheduler> logger;
    private readonly string logRoot;
    private readonly ReleaseCandidates? releases;

    internal BuildScheduler(
        IBackgroundJobClient jobs,
        ILiveTargets liveTargets,
        BuildRecords records,
        IOptions<CatalogOptions> catalogOptions,
        ILogger<BuildScheduler> logger,
        ReleaseCandidates? releases = null)
    {
        this.releases = releases;
        this.jobs = jobs;
        this.liveTargets = liveTargets;
        this.records = records;
        this.logger = logger;
        logRoot = Path.Combine(catalogOptions.Value.StatePath, "builds");
    }

    /// <summary>As <see cref="Schedule"/>, after asking the upstream (if any) for the requested projects' pages that are
    /// not fresh, so the targets' applicability goes by what pip will see.</summary>
    public async Task<ScheduleResult> ScheduleAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (releases is not null && request.Requirements.Count <= RequestedRequirements.Max)
        {
            var keys = request.Requirements.Select(static r => Requirement.TryParse(r, out var parsed, out _) ? parsed.NormalizedName : null).OfType<string>();
            await releases.RefreshAsync(keys, cancellationToken);
        }

        return Schedule(request);
    }

    public ScheduleResult Schedule(BuildRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (requirements, invalid) = RequestedRequirements.Check(request.Requirements);
        if (invalid is not null)
        {
            return new ScheduleResult.Invalid(invalid);
        }

        var liveList = liveTargets.List(static _ => 0);
        IReadOnlyList<string> live = [.. liveList.Select(static t => t.Name)];
        if (live.Count == 0)
        {
            return new ScheduleResult.NoAgents(
                "No build agent is running, so no target can build. Check Agent:Interpreters and Agent:Targets, and the server log for interpreters that could not be used or a build sandbox that could not be made (Agent:Sandbox).");
        }

        IReadOnlyList<string> targets = request.Targets.Count == 0 ? live : [.. request.Targets.Distinct(StringComparer.Ordinal)];
        var unknown = targets.Where(t => !live.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            return new ScheduleResult.UnknownTarget(unknown, $"Unknown target(s): {string.Join(", ", unknown)}. Known targets: {string.Join(", ", live)}.");
        }

        var notApplicable = NotApplicable(requirements, request.Prerelease, targets, liveList);
        if (notApplicable.Count == targets.Count)
        {
            var reasons = string.Join(". ", targets.Select(t => notApplicable[t]));
            BuildsLog.NothingApplicable(logger, string.Join(' ', requirements), reasons);
            return new ScheduleResult.NotApplicable(
                $"Nothing to build: no requested target's Python can install what was asked. {reasons}. Ask for a release that supports these Pythons, or for targets whose Python it supports (ListTargets).");
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var dedupeKey = $"{string.Join(' ', requirements.Order(StringComparer.Ordinal))}|deps={request.WithDependencies}|pre={request.Prerelease}";
        var (build, isNew) = records.Open(new NewBuild(
            id, requirements, request.WithDependencies, request.Prerelease, string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey,
            dedupeKey, [.. targets.Select(t => (t, Path.Combine(logRoot, id, t + ".log"), notApplicable.GetValueOrDefault(t)))]));
        return isNew ? Queue(build) : new ScheduleResult.Accepted(build);
    }

    /// <summary>Cancels what has not finished: queued jobs are removed, running pip processes are stopped. Null when there
    /// is no such build.</summary>
    public BuildSnapshot? Cancel(string id)
    {
        if (records.Cancel(id) is not var (_, jobIds))
        {
            return null;
        }

        // Deleting the job also cancels it on a remote agent (Hangfire checks its state while it runs).
        foreach (var jobId in jobIds)
        {
            jobs.Delete(jobId);
        }

        BuildsLog.Cancelled(logger, id);
        return records.Find(id);
    }

    /// <summary>The live targets, each with its count of running builds.</summary>
    public IReadOnlyList<Target> Targets() => liveTargets.List(target => records.RunningOn(target));

    /// <summary>Creates the build's log folder, saves it, and queues one job per target; when that fails part-way, the
    /// queued jobs are deleted and the build is failed with the reason, so it neither runs nor captures a retry.</summary>
    private ScheduleResult Queue(BuildSnapshot build)
    {
        var queued = new Dictionary<string, string>(StringComparer.Ordinal);
        var display = string.Join(' ', build.Requirements);
        try
        {
            Directory.CreateDirectory(Path.Combine(logRoot, build.Id));
            records.Save(build.Id);
            foreach (var target in build.Targets.Where(static t => t.State == TargetState.NotApplicable))
            {
                BuildsLog.NotApplicable(logger, build.Id, target.Name, target.Reason!);
                File.AppendAllText(Path.Combine(logRoot, build.Id, target.Name + ".log"), $"# {target.FinishedAt:O} {target.Name}: not applicable, not built: {target.Reason}\n");
            }

            foreach (var target in build.Targets.Where(static t => t.State != TargetState.NotApplicable))
            {
                var name = target.Name;
                queued[name] = jobs.Enqueue<IBuildJob>(BuildQueues.ForTarget(name), job => job.RunAsync(build.Id, display, name, CancellationToken.None));
            }

            records.Queued(build.Id, queued);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Npgsql.NpgsqlException
            or TimeoutException or BackgroundJobClientException)
        {
            BuildsLog.QueueFailed(logger, ex, build.Id, ex.Message);
            records.Abandon(build.Id, $"Could not be queued: {ex.Message}", queued);
            foreach (var jobId in queued.Values)
            {
                TryDelete(jobId);
            }

            return new ScheduleResult.NotQueued(
                $"The build could not be queued: {ex.Message} Nothing was queued; see the server log, fix the cause and request the build again.");
        }

        BuildsLog.Requested(logger, build.Id, display, string.Join(", ", build.Targets.Select(static t => t.Name)));
        return new ScheduleResult.Accepted(records.Find(build.Id)!);
    }

    /// <summary>The targets a requirement's Requires-Python excludes, each with the reason (see <see cref="Applicability"/>).</summary>
    private Dictionary<string, string> NotApplicable(IReadOnlyList<string> requirements, bool prerelease, IReadOnlyList<string> targets, IReadOnlyList<Target> live)
    {
        var excluded = new Dictionary<string, string>(StringComparer.Ordinal);
        if (releases is null)
        {
            return excluded;
        }

        var offered = requirements
            .Select(static r => Requirement.Parse(r))
            .Select(r => (Requirement: r, Index: releases.For(r.NormalizedName)))
            .Where(static x => x.Index is not null)
            .ToList();
        foreach (var target in targets)
        {
            var version = live.FirstOrDefault(t => t.Name == target)?.PythonVersion;
            if (TargetPython.Of(target, version) is not { } python)
            {
                continue;
            }

            foreach (var (requirement, index) in offered)
            {
                if (Applicability.Excludes(requirement, prerelease, index!.Value.Name, index.Value.Files, python) is { } reason)
                {
                    excluded[target] = reason;
                    break;
                }
            }
        }

        return excluded;
    }

    private void TryDelete(string jobId)
    {
        try
        {
            jobs.Delete(jobId);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
        {
            BuildsLog.CleanUpFailed(logger, ex.Message);
        }
    }
}
