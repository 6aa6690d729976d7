using System.Net;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;
using PypiForge.Server.Tests.Upstream;

namespace PypiForge.Server.Tests.Metrics;

/// <summary>The build and upstream instruments after a real build (python3, a pure sdist) and real proxy traffic.</summary>
public sealed class BuildAndUpstreamMetricsSpecs
{
    private const string Project = "fake-proj";
    private const string Wheel = "fake_proj-1.0-py3-none-any.whl";

    [Fact]
    public async Task A_finished_build_shows_in_the_target_gauges_the_finished_counter_the_agents_and_the_grpc_requests()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-pure-1.0.tar.gz")]);
        var before = await MetricsSpecs.ScrapeAsync(server.Host.Client);

        var build = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" }, Targets = { BuildServer.Cp311 } });
        var ended = await server.WaitForEndAsync(build.Id);
        Assert.True(ended.State == BuildState.Succeeded, ended.ToString());
        var after = await MetricsSpecs.ScrapeAsync(server.Host.Client);

        var target = ("target", BuildServer.Cp311);
        Assert.Equal(1, after.One("pypiforge_build_targets", target, ("state", "succeeded")));
        Assert.Equal(0, after.One("pypiforge_build_targets", target, ("state", "queued")));
        Assert.Equal(0, after.One("pypiforge_build_targets", target, ("state", "running")));
        Assert.Equal(1, after.Sum("pypiforge_build_targets_finished_total", target, ("outcome", "succeeded"))
            - before.Sum("pypiforge_build_targets_finished_total", target, ("outcome", "succeeded")));
        Assert.Equal(0, after.Sum("pypiforge_build_targets_finished_total", ("outcome", "failed")));
        Assert.Equal(0, after.One("pypiforge_build_queued_jobs", target));
        Assert.Equal(0, after.One("pypiforge_build_running_jobs", target));
        Assert.Equal(1, after.One("pypiforge_agents"));
        // RequestBuild and at least one GetBuild, on the gRPC port.
        Assert.True(MetricsSpecs.RequestCount(after, "grpc", "200") - MetricsSpecs.RequestCount(before, "grpc", "200") >= 2, "gRPC calls are not counted as grpc");
        // pip fetched the sdist and the build back-ends from this index.
        Assert.True(MetricsSpecs.RequestCount(after, "file", "200") > MetricsSpecs.RequestCount(before, "file", "200"), "pip's downloads are not counted");
    }

    [Fact]
    public async Task Upstream_pages_and_files_count_hits_misses_errors_and_files_held_back()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        upstream.AddFile(Project, "fake_proj-0.9-py3-none-any.whl");
        upstream.AddFile("young-proj", "young_proj-1.0-py3-none-any.whl");
        upstream.SetUploadTime("young_proj-1.0-py3-none-any.whl", DateTimeOffset.UtcNow);
        await using var proxy = await ServerHost.StartAsync(null, ["--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:01",
            "--Upstream:MinReleaseAge", "7.00:00:00", "--Upstream:CacheDirectory", TempDirectory.Create("metrics-upstream")]);

        var before = await MetricsSpecs.ScrapeAsync(proxy.Client);
        await ExpectAsync(proxy, $"simple/{Project}/", HttpStatusCode.OK);              // page: miss (fetched)
        await ExpectAsync(proxy, $"simple/{Project}/", HttpStatusCode.OK);              // page: hit
        await ExpectAsync(proxy, $"upstream/{Project}/{Wheel}", HttpStatusCode.OK);      // page: hit; file: miss (downloaded)
        await ExpectAsync(proxy, $"upstream/{Project}/{Wheel}", HttpStatusCode.OK);      // page: hit; file: hit
        upstream.CorruptFiles = true;
        using (var corrupt = await proxy.Client.GetAsync($"upstream/{Project}/fake_proj-0.9-py3-none-any.whl")) // page: hit; file: miss, then error
            Assert.NotEqual(HttpStatusCode.OK, corrupt.StatusCode);
        await ExpectAsync(proxy, "upstream/young-proj/young_proj-1.0-py3-none-any.whl", HttpStatusCode.NotFound); // page: miss; held back
        upstream.Pages = FakeUpstream.Behaviour.ServerError;
        using (var failing = await proxy.Client.GetAsync("simple/other-proj/"))   // page: error
            Assert.NotEqual(HttpStatusCode.OK, failing.StatusCode);
        var after = await MetricsSpecs.ScrapeAsync(proxy.Client);

        double Delta(string name, string result) =>
            after.Sum(name, ("result", result)) - before.Sum(name, ("result", result));
        Assert.Equal(2, Delta("pypiforge_upstream_page_lookups_total", "miss"));
        Assert.Equal(4, Delta("pypiforge_upstream_page_lookups_total", "hit"));
        Assert.Equal(1, Delta("pypiforge_upstream_page_lookups_total", "error"));
        Assert.Equal(2, Delta("pypiforge_upstream_file_requests_total", "miss"));
        Assert.Equal(1, Delta("pypiforge_upstream_file_requests_total", "hit"));
        Assert.Equal(1, Delta("pypiforge_upstream_file_requests_total", "error"));
        Assert.Equal(1, after.Sum("pypiforge_upstream_files_held_back_total") - before.Sum("pypiforge_upstream_files_held_back_total"));
        Assert.Equal(2, MetricsSpecs.RequestCount(after, "upstream_file", "200") - MetricsSpecs.RequestCount(before, "upstream_file", "200"));
    }

    private static async Task ExpectAsync(ServerHost server, string path, HttpStatusCode status)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.True(response.StatusCode == status, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
