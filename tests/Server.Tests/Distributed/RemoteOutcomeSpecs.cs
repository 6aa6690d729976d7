using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>A remote agent's partly failing build: what it made is streamed and served, what the server refuses and
/// what pip could not build are named (server and agent processes, real PostgreSQL, real pip).</summary>
public sealed class RemoteOutcomeSpecs
{
    [Fact]
    public async Task A_remote_agent_publishes_what_pip_built_and_the_target_fails_naming_the_failed_project_and_the_refused_wheel()
    {
        await using var cluster = await Cluster.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz"), BuildOutcomeSpecs.FailingToCompile(), BuildOutcomeSpecs.WrongPlatform()]);
        var agent = cluster.StartAgent(Cluster.Python311);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, agent);

        var requested = await cluster.Client.RequestBuildAsync(
            new RequestBuildRequest { Requirements = { "pf-cext==1.0", "pf-badc==1.0", "pf-wrongplat==1.0" }, Targets = { Cluster.Cp311 } });
        var build = await cluster.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Failed, build + "\n" + cluster.Logs());
        var target = Assert.Single(build.Targets);
        var served = Assert.Single(target.Wheels, w => w.Outcome == WheelOutcome.Published);
        Assert.Equal("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", served.Filename);
        Assert.True(File.Exists(Path.Combine(cluster.Root, served.Filename)), "not in the package folder: " + served.Filename);
        var refused = Assert.Single(target.Wheels, w => w.Outcome == WheelOutcome.Rejected);
        Assert.Equal("pf_wrongplat-1.0-cp311-cp311-linux_i686.whl", refused.Filename);
        Assert.Equal(2, target.Wheels.Count);
        Assert.Contains("pip could not build pf-badc", target.Error, StringComparison.Ordinal);
        // The agent's one-line reason and its kind come through CompleteTarget.
        Assert.Equal(FailureKind.BuildFailed, target.FailureKind);
        Assert.Equal("building a wheel for pf-badc failed with exit code 1", target.Reason);
        Assert.Contains("1 wheel of this build is served: pf_cext-1.0-cp311-cp311-linux_x86_64.whl", target.Error, StringComparison.Ordinal);
        Assert.Contains("Rejected: pf_wrongplat-1.0-cp311-cp311-linux_i686.whl (the server refused it: ", target.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cluster.Root, "pf_wrongplat*"));
        Assert.Empty(Directory.GetFiles(cluster.Root, ".incoming-*"));
    }
}
