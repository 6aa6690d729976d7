using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>A build's applicability sees the upstream's releases through the proxy, as pip would (real server in proxy
/// mode, an upstream the test controls, the embedded agent on pyenv's Python 2.7).</summary>
public sealed class UpstreamApplicabilitySpecs
{
    [Fact]
    public async Task A_release_only_the_upstream_has_and_that_requires_Python_3_7_is_refused_for_a_2_7_target()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        // FakeUpstream lists every file with Requires-Python >=3.7.
        upstream.AddFile("pf-up", "pf-up-1.0.tar.gz");
        await using var server = await ServerHost.StartAsync(null, "--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:05",
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), "--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", PythonInterpreter.Pyenv("2.7").Path);
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        var client = new BuildService.BuildServiceClient(channel);
        Target? target = null;
        var ready = await ServerHost.EventuallyAsync(async () => (target = (await client.ListTargetsAsync(new ListTargetsRequest())).Targets.FirstOrDefault()) is not null, TimeSpan.FromMinutes(2));
        Assert.True(ready, "the 2.7 target did not register: " + string.Join('\n', server.Logs.Messages()));

        var refused = await BuildServer.FailsAsync(() => client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-up==1.0" } }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"pf-up 1.0 requires Python >=3.7; {target!.Name} is Python {target.PythonVersion}", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, upstream.HitsOn("/simple/pf-up/"));
    }
}
