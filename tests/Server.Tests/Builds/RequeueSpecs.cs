using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Hangfire's "Requeue" on a build job: a failed or cancelled target is built again (a new attempt, told in its
/// log), a succeeded one is left as it is and its job says there is nothing to do.</summary>
public sealed class RequeueSpecs : IDisposable
{
    private readonly BuildParts parts = new();

    public void Dispose() => parts.Dispose();

    [Fact]
    public void A_failed_target_requeued_is_queued_again_with_a_note_and_can_run_and_fail_again()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        parts.Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Failed, "pip wheel exited with code 1\npf-broken could not be built"));
        var saves = parts.Store.Saves.Count;

        var requeued = parts.Records.Requeue(build.Id, BuildParts.Cp311);

        Assert.NotNull(requeued);
        Assert.Contains("requeued from the dashboard", requeued.Note, StringComparison.Ordinal);
        Assert.Contains("it failed (pip wheel exited with code 1)", requeued.Note, StringComparison.Ordinal);
        var queued = parts.Records.Find(build.Id)!;
        Assert.Equal(TargetState.Queued, queued.State);
        Assert.Null(queued.FinishedAt);
        Assert.Equal(TargetState.Queued, queued.Targets[0].State);
        Assert.Null(queued.Targets[0].Error);
        Assert.Null(queued.Targets[0].FinishedAt);
        Assert.Equal(requeued.Note, queued.Targets[0].Tail[^1]);
        Assert.Equal(saves + 1, parts.Store.Saves.Count);
        Assert.Equal(TargetState.Queued, parts.Store.Saves[^1].Targets[0].State);

        Assert.NotNull(parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false));
        Assert.True(parts.Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Failed, "second")));
        Assert.Equal((TargetState.Failed, "second"), (parts.Records.Find(build.Id)!.State, parts.Records.Find(build.Id)!.Targets[0].Error));
    }

    [Fact]
    public void A_cancelled_target_requeued_runs_again_without_the_old_cancellation()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        var first = parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false)!;
        parts.Records.Cancel(build.Id);
        parts.Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Cancelled, "Cancelled on request."));

        Assert.NotNull(parts.Records.Requeue(build.Id, BuildParts.Cp311));

        Assert.False(parts.Records.CancelRequested(build.Id, BuildParts.Cp311));
        var second = parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        Assert.NotNull(second);
        Assert.True(first.Cancelled.IsCancellationRequested);
        Assert.False(second.Cancelled.IsCancellationRequested);
    }

    [Theory]
    [InlineData(TargetState.Succeeded)]
    [InlineData(TargetState.Running)]
    [InlineData(TargetState.Queued)]
    public void Requeue_leaves_succeeded_running_and_queued_targets_alone(TargetState state)
    {
        var build = parts.Schedule(BuildParts.Cp311);
        if (state != TargetState.Queued)
        {
            parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        }

        if (state == TargetState.Succeeded)
        {
            parts.Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded, null));
        }

        var before = parts.Records.Find(build.Id)!;
        var saves = parts.Store.Saves.Count;

        Assert.Null(parts.Records.Requeue(build.Id, BuildParts.Cp311));
        Assert.Null(parts.Records.Requeue(build.Id, BuildParts.Cp312));
        Assert.Null(parts.Records.Requeue("nope", BuildParts.Cp311));

        Assert.Equal(before, parts.Records.Find(build.Id)!, BuildSnapshotComparer.Instance);
        Assert.Equal(saves, parts.Store.Saves.Count);
    }

    [Fact]
    public async Task The_dashboards_requeue_of_a_failed_build_builds_it_again_and_it_fails_again_with_the_reason()
    {
        var staging = TempDirectory.Create("requeue-broken");
        var sdist = TestDists.Sdist(staging, "pf-broken-1.0", "pf-broken", "1.0",
            setupPy: "raise SystemExit('pf-broken: this sdist is deliberately broken')\n");
        await using var server = await BuildServer.StartAsync([sdist]);
        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-broken" } });
        var failed = await server.WaitForEndAsync(requested.Id);
        Assert.Equal(BuildState.Failed, failed.State);
        var jobId = Assert.Single(failed.Targets).JobId;
        // The build ends when its target is recorded; Hangfire moves the job to Failed a moment later.
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(JobState(server, jobId) == FailedState.StateName)), JobState(server, jobId));

        using var dashboard = new DashboardSession(server.Host.BaseUri);
        using var requeue = await dashboard.PostAsync($"/hangfire/jobs/actions/requeue/{jobId}", await dashboard.TokenAsync());
        Assert.True(requeue.IsSuccessStatusCode, $"{requeue.StatusCode}");
        Assert.NotEqual(BuildState.Failed, (await server.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id })).State);
        var again = await server.WaitForEndAsync(requested.Id);

        Assert.Equal(BuildState.Failed, again.State);
        var target = Assert.Single(again.Targets);
        Assert.Contains("pip wheel exited with code", target.Error, StringComparison.Ordinal);
        Assert.True(target.FinishedAt.ToDateTimeOffset() > failed.Targets[0].FinishedAt.ToDateTimeOffset());
        // The log holds both attempts, the note between them.
        var log = await File.ReadAllLinesAsync(Path.Combine(server.Host.Root, ".pypiforge", "builds", requested.Id, BuildServer.Cp311 + ".log"));
        var note = Array.FindIndex(log, l => l.Contains("requeued from the dashboard", StringComparison.Ordinal));
        Assert.True(note > 0, string.Join('\n', log));
        Assert.Contains(log[..note], l => l.Contains("deliberately broken", StringComparison.Ordinal));
        Assert.Contains(log[(note + 1)..], l => l.Contains("deliberately broken", StringComparison.Ordinal));
        Assert.Contains(target.LogTail, l => l.Contains("deliberately broken", StringComparison.Ordinal));
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(JobState(server, jobId) == FailedState.StateName)), JobState(server, jobId));
    }

    [Fact]
    public async Task Requeuing_a_succeeded_builds_job_changes_nothing_and_the_job_says_there_is_nothing_to_do()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-pure-1.0.tar.gz")]);
        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" } });
        var built = await server.WaitForEndAsync(requested.Id);
        Assert.Equal(BuildState.Succeeded, built.State);
        var jobId = built.Targets[0].JobId;
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(JobState(server, jobId) == SucceededState.StateName)));
        var history = Details(server, jobId).History.Count;

        Assert.True(server.Host.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId));

        // It runs again (Enqueued, Processing, Succeeded) and finds the target ended.
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(Details(server, jobId).History.Count >= history + 3), TimeSpan.FromSeconds(30)));
        var last = Details(server, jobId).History[0];
        Assert.Equal(SucceededState.StateName, last.StateName);
        Assert.Contains("Nothing to do", last.Data["Result"], StringComparison.Ordinal);
        var after = await server.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id });
        Assert.Equal(built, after);
        Assert.Contains(server.Host.Logs.Messages(), m => m.Contains($"Job {jobId} of build {requested.Id}", StringComparison.Ordinal) && m.Contains("nothing to build again", StringComparison.Ordinal));
    }

    private static Hangfire.Storage.Monitoring.JobDetailsDto Details(BuildServer server, string jobId) =>
        server.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(jobId);

    private static string? JobState(BuildServer server, string jobId) => Details(server, jobId)?.History.FirstOrDefault()?.StateName;

    private static TargetOutcome Outcome(TargetState state, string? error) => new(state, error, [], [], TimeSpan.FromSeconds(3));
}
