using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>A remote agent needs a token with the "agent" permission; one with "build" (what agents used before, and
/// what anyone who may request builds has) is refused, and the agent says which token to create.</summary>
public sealed class AgentTokenSpecs
{
    [Fact]
    public async Task An_agent_with_a_build_token_builds_nothing_and_says_to_create_an_agent_token()
    {
        await using var cluster = await Cluster.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz")]);
        var agent = cluster.StartAgentWithToken(Cluster.Python311, cluster.BuildToken);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, agent);

        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { Cluster.Cp311 } });
        var said = await ServerHost.EventuallyAsync(
            () => Task.FromResult(agent.Output.Contains("this token lacks the agent permission; create one with `token create --permissions agent`", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(2));

        Assert.True(said, "the agent never said its token lacks the agent permission:\n" + cluster.Logs());
        var build = await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id });
        Assert.Equal(BuildState.Queued, build.State);
        Assert.Empty(Directory.GetFiles(cluster.Root, "pf_cext-*.whl"));
    }
}
