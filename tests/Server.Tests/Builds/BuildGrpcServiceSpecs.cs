using Grpc.Core;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The BuildService class called directly with a test call context: messages to domain and back, refusals to
/// status codes.</summary>
public sealed class BuildGrpcServiceSpecs : IDisposable
{
    private readonly BuildParts parts = new();
    private readonly BuildGrpcService service;

    public BuildGrpcServiceSpecs() => service = new BuildGrpcService(parts.Scheduler, parts.Records);

    public void Dispose() => parts.Dispose();

    [Fact]
    public async Task RequestBuild_passes_the_request_on_and_answers_with_the_build()
    {
        var build = await service.RequestBuild(
            new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { BuildParts.Cp311 }, NoDeps = true, Pre = true, IdempotencyKey = "k" },
            TestServerCallContext.Create());

        Assert.Equal((true, true, "k", BuildState.Queued), (build.NoDeps, build.Pre, build.IdempotencyKey, build.State));
        Assert.Equal(["pf-cext==1.0"], build.Requirements);
        var target = Assert.Single(build.Targets);
        Assert.Equal((BuildParts.Cp311, parts.Jobs.Created[0].Id), (target.Target, target.JobId));
        Assert.Equal(parts.Time.GetUtcNow(), build.CreatedAt.ToDateTimeOffset());
        var recorded = parts.Records.Find(build.Id)!;
        Assert.Equal((false, true, "k"), (recorded.WithDependencies, recorded.Prerelease, recorded.IdempotencyKey));
    }

    [Fact]
    public async Task Refusals_map_to_status_codes()
    {
        var context = TestServerCallContext.Create();

        var invalid = await Assert.ThrowsAsync<RpcException>(() => service.RequestBuild(new RequestBuildRequest { Requirements = { "-r reqs.txt" } }, context));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => service.RequestBuild(new RequestBuildRequest { Requirements = { "flask" }, Targets = { "cp27-cp27m-win32" } }, context));
        parts.Jobs.FailAfter = 0;
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => service.RequestBuild(new RequestBuildRequest { Requirements = { "flask" } }, context));
        var missing = await Assert.ThrowsAsync<RpcException>(() => service.GetBuild(new GetBuildRequest { Id = "x" }, context));
        var cancelMissing = await Assert.ThrowsAsync<RpcException>(() => service.CancelBuild(new CancelBuildRequest { Id = "x" }, context));
        var watchMissing = await Assert.ThrowsAsync<RpcException>(() => service.WatchBuild(new WatchBuildRequest { Id = "x" }, new TestServerStreamWriter<BuildEvent>(), context));

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("Unknown target(s): cp27-cp27m-win32", unknown.Status.Detail);
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.Equal([StatusCode.NotFound, StatusCode.NotFound, StatusCode.NotFound], new[] { missing, cancelMissing, watchMissing }.Select(static e => e.StatusCode));
        Assert.Equal("No build with id 'x'. ListBuilds shows the builds this server knows.", missing.Status.Detail);
    }

    [Fact]
    public async Task ListBuilds_pages_newest_first_and_filters_by_state_and_project()
    {
        var context = TestServerCallContext.Create();
        var flask = parts.Schedule(new BuildRequest(["Flask==3.0"], [BuildParts.Cp311]));
        var django = parts.Schedule(new BuildRequest(["django"], [BuildParts.Cp311]));
        var pure = parts.Schedule(new BuildRequest(["pf-pure"], [BuildParts.Cp311]));
        parts.Records.Cancel(django.Id);

        var first = await service.ListBuilds(new ListBuildsRequest { PageSize = 2 }, context);
        var second = await service.ListBuilds(new ListBuildsRequest { PageSize = 2, PageToken = first.NextPageToken }, context);
        var cancelled = await service.ListBuilds(new ListBuildsRequest { State = BuildState.Cancelled }, context);
        var ofFlask = await service.ListBuilds(new ListBuildsRequest { Project = " flask " }, context);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => service.ListBuilds(new ListBuildsRequest { PageToken = "-1" }, context));

        Assert.Equal([pure.Id, django.Id], first.Builds.Select(static b => b.Id));
        Assert.Equal("2", first.NextPageToken);
        Assert.Equal([flask.Id], second.Builds.Select(static b => b.Id));
        Assert.Empty(second.NextPageToken);
        Assert.Equal([django.Id], cancelled.Builds.Select(static b => b.Id));
        Assert.Equal([flask.Id], ofFlask.Builds.Select(static b => b.Id));
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
    }

    [Fact]
    public async Task CancelBuild_answers_with_the_cancelled_build()
    {
        var build = parts.Schedule(BuildParts.Cp311);

        var cancelled = await service.CancelBuild(new CancelBuildRequest { Id = build.Id }, TestServerCallContext.Create());

        Assert.Equal(BuildState.Cancelled, cancelled.State);
        Assert.Equal("Cancelled before it started.", cancelled.Targets[0].Error);
        Assert.Equal([build.Targets[0].JobId!], parts.Jobs.Deleted);
    }

    [Fact]
    public async Task WatchBuild_streams_the_build_its_changes_and_lines_until_it_ends()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        var stream = new TestServerStreamWriter<BuildEvent>();
        var watching = service.WatchBuild(new WatchBuildRequest { Id = build.Id }, stream, TestServerCallContext.Create());

        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        parts.Records.AppendLog(build.Id, BuildParts.Cp311, "Building wheel");
        var wheel = new PublishedWheel("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", 12, new string('b', 64), WheelPublishOutcome.Conflict, "other bytes");
        parts.Records.Complete(build.Id, BuildParts.Cp311, new TargetOutcome(TargetState.Failed, "pip failed", [], [wheel], TimeSpan.FromSeconds(7)));
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        var events = stream.Written;
        Assert.Equal(
            [BuildEvent.EventOneofCase.Build, BuildEvent.EventOneofCase.Build, BuildEvent.EventOneofCase.Log, BuildEvent.EventOneofCase.Build],
            events.Select(static e => e.EventCase));
        Assert.Equal((BuildParts.Cp311, "Building wheel"), (events[2].Log.Target, events[2].Log.Line));
        var ended = events[^1].Build;
        Assert.Equal(BuildState.Failed, ended.State);
        var target = ended.Targets[0];
        Assert.Equal(("pip failed", 7.0), (target.Error, target.Duration.ToTimeSpan().TotalSeconds));
        Assert.Equal(("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", WheelOutcome.Conflict, "other bytes"),
            (target.Wheels[0].Filename, target.Wheels[0].Outcome, target.Wheels[0].Detail));
        Assert.Equal(["Building wheel"], target.LogTail);
    }

    [Fact]
    public async Task ListTargets_lists_the_live_targets_with_running_counts()
    {
        var build = parts.Schedule(BuildParts.Cp312);
        parts.Records.Begin(build.Id, BuildParts.Cp312, remote: false);

        var targets = await service.ListTargets(new ListTargetsRequest(), TestServerCallContext.Create());

        Assert.Equal([(BuildParts.Cp311, 0L), (BuildParts.Cp312, 1L)], targets.Targets.Select(static t => (t.Name, t.Running)));
    }
}
