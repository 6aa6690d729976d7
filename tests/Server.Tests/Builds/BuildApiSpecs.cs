using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The build API's contract over a real gRPC port: validation, status codes, deduplication, listing, health, reflection, dashboard.</summary>
public sealed class BuildApiSpecs : IAsyncLifetime, IDisposable
{
    private BuildServer server = null!;
    private BuildGate gate = null!;

    public async Task InitializeAsync()
    {
        var staging = TempDirectory.Create("api");
        gate = new BuildGate();
        var slow = TestDists.Sdist(staging, "pf-slow-1.0", "pf-slow", "1.0",
            setupPy: $"import time\n{gate.Knock()}\ntime.sleep(300)\n");
        server = await BuildServer.StartAsync([slow]);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
    }

    public void Dispose() => gate.Dispose();

    [Theory]
    [InlineData("-r requirements.txt", "-r")]
    [InlineData("--index-url=http://evil.example/simple", "--index-url")]
    [InlineData("-e .", "-e")]
    [InlineData("./local/path", "./local/path")]
    [InlineData("https://example.com/x-1.0.whl", "https://example.com")]
    [InlineData("foo @ file:///tmp/x", "foo @ file")]
    [InlineData("foo; rm -rf /", "foo; rm -rf /")]
    [InlineData("foo && curl x", "foo && curl x")]
    [InlineData("$(id)", "$(id)")]
    [InlineData("foo==", "foo==")]
    public async Task Bad_requirements_are_InvalidArgument_naming_the_requirement(string requirement, string named)
    {
        var error = await BuildServer.FailsAsync(() => server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "flask==3.0.3", requirement } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("#2", error.Status.Detail);
        Assert.Contains(named, error.Status.Detail);
        Assert.Empty((await server.Client.ListBuildsAsync(new ListBuildsRequest())).Builds);
    }

    [Fact]
    public async Task No_requirements_is_InvalidArgument()
    {
        var error = await BuildServer.FailsAsync(() => server.Client.RequestBuildAsync(new RequestBuildRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("requirements is empty", error.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_target_is_InvalidArgument_listing_the_known_ones()
    {
        var error = await BuildServer.FailsAsync(() => server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" }, Targets = { "cp27-cp27mu-linux_i686" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("cp27-cp27mu-linux_i686", error.Status.Detail);
        Assert.Contains("Known targets: " + BuildServer.Cp311, error.Status.Detail);
    }

    [Fact]
    public async Task Unknown_build_ids_are_NotFound()
    {
        Assert.Equal(StatusCode.NotFound, (await BuildServer.FailsAsync(() => server.Client.GetBuildAsync(new GetBuildRequest { Id = "nope" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await BuildServer.FailsAsync(() => server.Client.CancelBuildAsync(new CancelBuildRequest { Id = "nope" }).ResponseAsync)).StatusCode);
        var watch = server.Client.WatchBuild(new WatchBuildRequest { Id = "nope" });
        Assert.Equal(StatusCode.NotFound, (await BuildServer.FailsAsync(() => watch.ResponseStream.MoveNext())).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await BuildServer.FailsAsync(() => server.Client.ListBuildsAsync(new ListBuildsRequest { PageToken = "x" }).ResponseAsync)).StatusCode);
    }

    [Fact]
    public async Task A_second_request_for_a_running_build_returns_it_and_idempotency_keys_are_honoured()
    {
        var first = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" }, IdempotencyKey = "key-1" });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)));

        var again = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "PF_Slow" } });
        var sameKey = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "something-else" }, IdempotencyKey = "key-1" });
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, sameKey.Id);
        Assert.Single((await server.Client.ListBuildsAsync(new ListBuildsRequest())).Builds);

        var listed = await server.Client.ListBuildsAsync(new ListBuildsRequest { Project = "pf.slow", State = BuildState.Running });
        Assert.Equal(first.Id, Assert.Single(listed.Builds).Id);
        Assert.Empty((await server.Client.ListBuildsAsync(new ListBuildsRequest { Project = "other" })).Builds);

        var targets = await server.Client.ListTargetsAsync(new ListTargetsRequest());
        var target = Assert.Single(targets.Targets);
        Assert.Equal(("cp311", "cp311", "linux_x86_64"), (target.InterpreterTag, target.AbiTag, target.PlatformTag));
        Assert.Equal(1, target.Running);
        Assert.NotEmpty(target.Agents);

        // The job is named for people in the dashboard, which is open to loopback requests.
        var jobId = first.Targets[0].JobId;
        var page = await server.Host.Client.GetStringAsync($"hangfire/jobs/details/{jobId}");
        Assert.Contains($"Build pf-slow for {BuildServer.Cp311}", page);

        var cancelled = await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = first.Id });
        Assert.Equal(BuildState.Cancelled, (await server.WaitForEndAsync(cancelled.Id, within: TimeSpan.FromSeconds(60))).State);
        var after = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" }, NoDeps = true });
        Assert.NotEqual(first.Id, after.Id);
        Assert.True(after.NoDeps);
        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = after.Id });
    }

    [Fact]
    public async Task A_request_that_cannot_be_queued_is_Unavailable_and_leaves_no_queued_record_behind()
    {
        // The builds' log folder replaced by a file: the request registers its record, then cannot create its log folder.
        var logs = Path.Combine(server.Host.Root, ".pypiforge", "builds");
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }

        await File.WriteAllTextAsync(logs, "not a folder");
        var error = await BuildServer.FailsAsync(() => server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" }, IdempotencyKey = "key-z" }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("could not be queued", error.Status.Detail);
        var failed = Assert.Single((await server.Client.ListBuildsAsync(new ListBuildsRequest())).Builds);
        Assert.Equal(BuildState.Failed, failed.State);
        Assert.Contains("Could not be queued", failed.Targets[0].Error);

        // Once the cause is gone, the same request (and the same idempotency key) gets a new build that runs.
        File.Delete(logs);
        var retried = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" }, IdempotencyKey = "key-z" });
        Assert.NotEqual(failed.Id, retried.Id);
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)));
        Assert.Equal(BuildState.Running, (await server.Client.GetBuildAsync(new GetBuildRequest { Id = retried.Id })).State);
        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = retried.Id });
    }

    [Fact]
    public async Task Grpc_health_and_reflection_answer_generic_clients()
    {
        var health = new Health.HealthClient(server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "pypiforge.v1.BuildService");
    }

    [Fact]
    public async Task The_index_port_does_not_answer_grpc_and_the_dashboard_is_open_on_loopback()
    {
        using var dashboard = await server.Host.Client.GetAsync("hangfire");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("PypiForge builds", await dashboard.Content.ReadAsStringAsync());
        Assert.NotEqual(server.Host.BaseUri.Port, server.Host.GrpcUri!.Port);
    }
}
