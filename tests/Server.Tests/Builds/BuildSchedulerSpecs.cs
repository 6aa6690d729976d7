using Hangfire.States;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Scheduling with a recording Hangfire job client: one job per target on its queue, saved before the jobs
/// exist, refusals as values, and a build that could not be queued failed and cleaned up.</summary>
public sealed class BuildSchedulerSpecs : IDisposable
{
    private readonly BuildParts parts = new();

    public void Dispose() => parts.Dispose();

    [Fact]
    public void An_accepted_build_queues_one_job_per_target_on_that_targets_queue()
    {
        var build = parts.Schedule(new BuildRequest(["pf-cext==1.0", "pf-pure"], [BuildParts.Cp311, BuildParts.Cp312], WithDependencies: false));

        Assert.Equal(TargetState.Queued, build.State);
        Assert.False(build.WithDependencies);
        Assert.Equal([BuildParts.Cp311, BuildParts.Cp312], parts.Jobs.Created.Select(static j => j.Job.Queue));
        Assert.All(parts.Jobs.Created, static j => Assert.Equal((typeof(IBuildJob), typeof(EnqueuedState)), (j.Job.Type, j.State.GetType())));
        Assert.Equal(
            [(build.Id, "pf-cext==1.0 pf-pure", BuildParts.Cp311), (build.Id, "pf-cext==1.0 pf-pure", BuildParts.Cp312)],
            parts.Jobs.Created.Select(static j => ((string)j.Job.Args[0], (string)j.Job.Args[1], (string)j.Job.Args[2])));
        Assert.Equal(parts.Jobs.Created.Select(static j => j.Id), build.Targets.Select(static t => t.JobId));
        Assert.True(Directory.Exists(Path.Combine(parts.StatePath, "builds", build.Id)));
    }

    [Fact]
    public void The_build_is_saved_before_its_jobs_exist_and_again_with_them()
    {
        var build = parts.Schedule(BuildParts.Cp311);

        var saves = parts.Store.Saves;
        Assert.Equal(2, saves.Count);
        Assert.Null(saves[0].Targets[0].JobId);
        Assert.Equal(parts.Jobs.Created[0].Id, saves[1].Targets[0].JobId);
        Assert.Equal(build.Id, saves[1].Id);
    }

    [Fact]
    public void No_targets_named_means_every_live_target()
    {
        var build = parts.Schedule();

        Assert.Equal([BuildParts.Cp311, BuildParts.Cp312], build.Targets.Select(static t => t.Name));
    }

    [Theory]
    [InlineData(new string[0], "requirements is empty")]
    [InlineData(new[] { "flask", "-r reqs.txt" }, "Requirement #2 '-r reqs.txt' is not valid")]
    public void Invalid_requirements_are_refused_and_nothing_is_queued(string[] requirements, string reason)
    {
        var result = parts.Scheduler.Schedule(new BuildRequest(requirements, []));

        Assert.Contains(reason, Assert.IsType<ScheduleResult.Invalid>(result).Reason);
        Assert.Empty(parts.Jobs.Created);
        Assert.Empty(parts.Store.Saves);
    }

    [Fact]
    public void More_than_a_hundred_requirements_are_refused()
    {
        var result = parts.Scheduler.Schedule(new BuildRequest([.. Enumerable.Range(0, 101).Select(static i => $"p{i}")], []));

        Assert.Contains("At most 100 requirements", Assert.IsType<ScheduleResult.Invalid>(result).Reason);
    }

    [Fact]
    public void Without_live_agents_nothing_can_build()
    {
        using var none = new BuildParts([]);
        var noAgents = new BuildScheduler(none.Jobs, new FixedLiveTargets(), none.Records,
            Microsoft.Extensions.Options.Options.Create(new PypiForge.Server.Catalog.CatalogOptions { Root = none.Root }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BuildScheduler>.Instance);

        var result = noAgents.Schedule(new BuildRequest(["flask"], []));

        Assert.StartsWith("No build agent is running", Assert.IsType<ScheduleResult.NoAgents>(result).Reason);
        Assert.Empty(none.Jobs.Created);
    }

    [Fact]
    public void An_unknown_target_is_refused_naming_the_known_ones()
    {
        var result = parts.Scheduler.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311, "cp27-cp27mu-linux_i686"]));

        var unknown = Assert.IsType<ScheduleResult.UnknownTarget>(result);
        Assert.Equal(["cp27-cp27mu-linux_i686"], unknown.Unknown);
        Assert.Equal($"Unknown target(s): cp27-cp27mu-linux_i686. Known targets: {BuildParts.Cp311}, {BuildParts.Cp312}.", unknown.Reason);
        Assert.Empty(parts.Jobs.Created);
    }

    [Fact]
    public void The_same_idempotency_key_or_an_identical_unfinished_request_gets_the_same_build()
    {
        var first = parts.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311], IdempotencyKey: "k"));

        var sameKey = parts.Schedule(new BuildRequest(["django"], [BuildParts.Cp312], IdempotencyKey: "k"));
        var identical = parts.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311]));

        Assert.Equal(first.Id, sameKey.Id);
        Assert.Equal(first.Id, identical.Id);
        Assert.Single(parts.Jobs.Created);

        parts.Records.Cancel(first.Id);
        Assert.NotEqual(first.Id, parts.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311])).Id);
    }

    [Fact]
    public void A_build_that_cannot_be_queued_is_failed_its_queued_jobs_deleted_and_its_key_freed()
    {
        parts.Jobs.FailAfter = 1;

        var result = parts.Scheduler.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311, BuildParts.Cp312], IdempotencyKey: "k"));

        Assert.StartsWith("The build could not be queued: The job storage is not reachable.", Assert.IsType<ScheduleResult.NotQueued>(result).Reason);
        Assert.Equal([parts.Jobs.Created[0].Id], parts.Jobs.Deleted);
        var failed = Assert.Single(parts.Records.List(null, null, 0, 10));
        Assert.Equal(TargetState.Failed, failed.State);
        Assert.All(failed.Targets, static t => Assert.StartsWith("Could not be queued", t.Error));
        Assert.Equal(TargetState.Failed, parts.Store.Saves[^1].Targets[0].State);

        parts.Jobs.FailAfter = null;
        Assert.NotEqual(failed.Id, parts.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311, BuildParts.Cp312], IdempotencyKey: "k")).Id);
    }

    [Fact]
    public void A_store_that_fails_before_the_jobs_leaves_nothing_queued()
    {
        parts.Store.Fail = true;

        var result = parts.Scheduler.Schedule(new BuildRequest(["flask"], [BuildParts.Cp311]));

        Assert.IsType<ScheduleResult.NotQueued>(result);
        Assert.Empty(parts.Jobs.Created);
        Assert.Equal(TargetState.Failed, Assert.Single(parts.Records.List(null, null, 0, 10)).State);
    }

    [Fact]
    public void Cancelling_deletes_the_jobs_of_unfinished_targets()
    {
        var build = parts.Schedule(BuildParts.Cp311, BuildParts.Cp312);
        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        parts.Records.Complete(build.Id, BuildParts.Cp311, new TargetOutcome(TargetState.Succeeded, null, [], [], TimeSpan.Zero));

        var cancelled = parts.Scheduler.Cancel(build.Id);

        Assert.Equal(TargetState.Cancelled, cancelled!.State);
        Assert.Equal([build.Targets[1].JobId!], parts.Jobs.Deleted);
        Assert.Null(parts.Scheduler.Cancel("nope"));
    }

    [Fact]
    public void Live_targets_are_listed_with_their_running_builds()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);

        Assert.Equal([(BuildParts.Cp311, 1L), (BuildParts.Cp312, 0L)], parts.Scheduler.Targets().Select(static t => (t.Name, t.Running)));
    }
}
