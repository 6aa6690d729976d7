using System.Globalization;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>An agent killed with <c>kill -9</c> in the middle of a build, while another agent of the target is idle: what
/// the target shows, where the build goes, and what the dead agent leaves behind. Every wait is bounded by the cluster's
/// own heartbeat, agent timeout and invisibility (seconds here), plus room for pip.</summary>
public sealed class LostAgentSpecs
{
    private static readonly TimeSpan Heartbeat = TimeSpan.Parse(Cluster.HeartbeatInterval, CultureInfo.InvariantCulture);
    private static readonly TimeSpan AgentTimeout = TimeSpan.Parse(Cluster.AgentTimeout, CultureInfo.InvariantCulture);
    private static readonly TimeSpan Invisibility = TimeSpan.Parse(Cluster.InvisibilityTimeout, CultureInfo.InvariantCulture);

    // What a real pip build of a tiny sdist may take here, on top of the queue's own delays.
    private static readonly TimeSpan PipRoom = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_killed_agent_is_shown_lost_on_its_target_its_build_completes_on_another_agent_and_nothing_of_it_is_left()
    {
        var staging = TempDirectory.Create("lost-sdist");
        // The first attempt starts a child process marked for the test and then waits (until its agent is killed); the
        // attempt on the other agent is told to go on and builds at once.
        using var gate = new BuildGate("wait");
        var marker = HostProcesses.Marker();
        var setup = $$"""
            import subprocess, time
            from setuptools import setup
            if {{gate.Knock()}} == "wait":
                subprocess.Popen(["sleep", "{{marker}}"])
                time.sleep(600)
            setup(name="pf-lost", version="1.0", py_modules=[])
            """;
        var sdist = TestDists.Sdist(staging, "pf-lost-1.0", "pf-lost", "1.0", setupPy: setup);
        await using var cluster = await Cluster.StartAsync([sdist]);
        var doomed = cluster.StartAgent(Cluster.Python311);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, doomed);
        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-lost==1.0" }, Targets = { Cluster.Cp311 } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(HostProcesses.WithArgument(marker).Count > 0), PipRoom), "setup.py never started\n" + cluster.Logs());
        var sleeper = Assert.Single(HostProcesses.WithArgument(marker));
        var setupPy = HostProcesses.Parent(sleeper);
        Assert.Single(Directory.GetDirectories(cluster.Work, "pypiforge-build-*"));
        // Started while the doomed agent builds: its own start-up clean-up leaves the live build's folder alone.
        var heir = cluster.StartAgent(Cluster.Python311);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, doomed, heir);
        Assert.Single(Directory.GetDirectories(cluster.Work, "pypiforge-build-*"));

        gate.Answer = "go";
        await doomed.KillAloneAsync();

        // The sandbox dies with its agent: no pip, setup.py or child of it runs on.
        Assert.True(
            await ServerHost.EventuallyAsync(() => Task.FromResult(!Directory.Exists($"/proc/{setupPy}") && !Directory.Exists($"/proc/{sleeper}")), AgentTimeout),
            "the killed agent's build still runs:\n" + string.Join('\n', HostProcesses.WithArgument(marker)));

        // Within one agent timeout (and the server's next look, once a heartbeat): lost, still running, and by when it runs again.
        TargetBuild? target = null;
        var shown = await ServerHost.EventuallyAsync(async () =>
        {
            target = Assert.Single((await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id })).Targets);
            return target.AgentLost is not null || target.State != BuildState.Running;
        }, AgentTimeout + (3 * Heartbeat));
        Assert.True(shown, $"the target never showed its agent lost: {target}\n{cluster.Logs()}");
        Assert.NotNull(target);
        Assert.Equal(BuildState.Running, target.State);
        Assert.Contains($"-{doomed.Id}", target.AgentLost.Agent, StringComparison.Ordinal);
        Assert.True(target.AgentLost.RunsAgainBy.ToDateTimeOffset() - target.AgentLost.LostAt.ToDateTimeOffset() >= Invisibility, target.AgentLost.ToString());
        Assert.NotNull(target.AgentLost.LastHeartbeat);
        Assert.True(target.AgentLost.LastHeartbeat.ToDateTimeOffset() <= target.AgentLost.LostAt.ToDateTimeOffset(), target.AgentLost.ToString());
        Assert.StartsWith($"agent {target.AgentLost.Agent} lost at ", target.AgentLost.Summary, StringComparison.Ordinal);
        Assert.Contains("runs again by ", target.AgentLost.Summary, StringComparison.Ordinal);

        // The other agent takes the job when its invisibility ends, and builds it.
        var build = await cluster.WaitForEndAsync(requested.Id, Invisibility + AgentTimeout + PipRoom);
        Assert.True(build.State == BuildState.Succeeded, build + "\n" + cluster.Logs());
        var done = Assert.Single(build.Targets);
        Assert.Null(done.AgentLost);
        Assert.Equal("pf_lost-1.0-py3-none-any.whl", Assert.Single(done.Wheels).Filename);
        Assert.Contains($"(build {build.Id})", heir.Output, StringComparison.Ordinal);

        // The dead agent's work folder goes at the living agent's next sweep (every agent timeout), its own after its build.
        Assert.True(
            await ServerHost.EventuallyAsync(() => Task.FromResult(Directory.GetFileSystemEntries(cluster.Work, "pypiforge-build-*").Length == 0), AgentTimeout + AgentTimeout),
            "work folders left: " + string.Join(", ", Directory.GetFileSystemEntries(cluster.Work, "pypiforge-build-*")) + "\n" + cluster.Logs());
        Assert.Contains("Removed 1 build folders from", heir.Output, StringComparison.Ordinal);
    }
}
