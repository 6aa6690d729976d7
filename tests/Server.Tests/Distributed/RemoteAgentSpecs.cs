using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>Remote agents end to end: a server process and agent processes on a real PostgreSQL, real pip.</summary>
public sealed class RemoteAgentSpecs
{
    [Fact]
    public async Task Two_agents_with_different_interpreters_each_build_their_own_target_and_the_server_publishes_both_wheels()
    {
        await using var cluster = await Cluster.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz")]);
        var agent311 = cluster.StartAgent(Cluster.Python311);
        var agent310 = cluster.StartAgent(Cluster.Python310);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, agent311);
        await cluster.WaitForAgentsAsync(Cluster.Cp310, agent310);

        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" } });
        Assert.Equal([Cluster.Cp310, Cluster.Cp311], requested.Targets.Select(t => t.Target).Order(StringComparer.Ordinal));
        var build = await cluster.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Succeeded, build + "\n" + cluster.Logs());
        foreach (var target in build.Targets)
        {
            var tag = target.Target.Split('-')[0];
            var wheel = Assert.Single(target.Wheels);
            Assert.Equal($"pf_cext-1.0-{tag}-{tag}-linux_x86_64.whl", wheel.Filename);
            Assert.Equal(WheelOutcome.Published, wheel.Outcome);
            Assert.True(File.Exists(Path.Combine(cluster.Root, wheel.Filename)), "not in the package folder: " + wheel.Filename);
            Assert.NotEmpty(target.LogTail);
            Assert.Contains("Successfully built pf-cext", File.ReadAllText(Path.Combine(cluster.State, "builds", build.Id, target.Target + ".log")), StringComparison.Ordinal);
        }

        Assert.Contains($"for {Cluster.Cp311} (build {build.Id})", agent311.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"for {Cluster.Cp310} (build", agent311.Output, StringComparison.Ordinal);
        Assert.Contains($"for {Cluster.Cp310} (build {build.Id})", agent310.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"for {Cluster.Cp311} (build", agent310.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cluster.Root, ".incoming-*"));
    }

    [Fact]
    public async Task An_agent_killed_mid_build_drops_out_of_the_targets_and_its_build_runs_again_on_a_restarted_agent()
    {
        var staging = TempDirectory.Create("slow-sdist");
        // The first attempt waits forever (until the agent is killed); the second is told to go on and builds at once.
        using var gate = new BuildGate("wait");
        var setup = $$"""
            import time
            from setuptools import setup
            if {{gate.Knock()}} == "wait":
                time.sleep(600)
            setup(name="pf-killed", version="1.0", py_modules=[])
            """;
        var sdist = TestDists.Sdist(staging, "pf-killed-1.0", "pf-killed", "1.0", setupPy: setup);
        await using var cluster = await Cluster.StartAsync([sdist]);
        var first = cluster.StartAgent(Cluster.Python311);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, first);

        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-killed==1.0" }, Targets = { Cluster.Cp311 } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)), "setup.py never started\n" + cluster.Logs());
        Assert.Equal(BuildState.Running, (await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id })).State);

        gate.Answer = "go";
        await first.KillAsync();
        await cluster.WaitForAgentsAsync(Cluster.Cp311);
        Assert.Equal(BuildState.Running, (await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id })).State);
        Assert.Empty(Directory.GetFiles(cluster.Root, "pf_killed-*"));

        var second = cluster.StartAgent(Cluster.Python311);
        var build = await cluster.WaitForEndAsync(requested.Id, TimeSpan.FromMinutes(3));

        Assert.True(build.State == BuildState.Succeeded, build + "\n" + cluster.Logs());
        var wheel = Assert.Single(Assert.Single(build.Targets).Wheels);
        Assert.Equal("pf_killed-1.0-py3-none-any.whl", wheel.Filename);
        Assert.Equal(WheelOutcome.Published, wheel.Outcome);
        Assert.Contains($"(build {build.Id})", second.Output, StringComparison.Ordinal);
        Assert.Equal(["pf_killed-1.0-py3-none-any.whl"], Directory.GetFiles(cluster.Root, "pf_killed-*").Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(cluster.Root, ".incoming-*"));
    }

    [Fact]
    public async Task A_server_killed_and_restarted_in_the_middle_of_a_queue_loses_no_queued_running_or_finished_build()
    {
        var staging = TempDirectory.Create("slow-sdist");
        using var gate = new BuildGate();
        var setup = $$"""
            import time
            from setuptools import setup
            {{gate.Knock()}}
            time.sleep(6)
            setup(name="pf-steady", version="1.0", py_modules=[])
            """;
        var sdist = TestDists.Sdist(staging, "pf-steady-1.0", "pf-steady", "1.0", setupPy: setup);
        await using var cluster = await Cluster.StartAsync([sdist, DistFixtures.Path("pf-cext-1.0.tar.gz"), DistFixtures.Path("pf-pure-1.0.tar.gz")]);
        var agent = cluster.StartAgent(Cluster.Python310);
        await cluster.WaitForAgentsAsync(Cluster.Cp310, agent);

        var finished = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" }, Targets = { Cluster.Cp310 } });
        Assert.Equal(BuildState.Succeeded, (await cluster.WaitForEndAsync(finished.Id)).State);
        var running = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-steady==1.0" }, Targets = { Cluster.Cp310 } });
        var queued = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { Cluster.Cp310 } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)), "setup.py never started\n" + cluster.Logs());
        Assert.Equal(BuildState.Queued, (await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = queued.Id })).State);

        await cluster.KillServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.StartServerAsync();

        var all = await cluster.Client.ListBuildsAsync(new ListBuildsRequest());
        Assert.Equal([finished.Id, running.Id, queued.Id], all.Builds.Select(b => b.Id).Reverse());
        var before = await cluster.Client.GetBuildAsync(new GetBuildRequest { Id = finished.Id });
        Assert.Equal(BuildState.Succeeded, before.State);
        Assert.Equal("pf_pure-1.0-py2.py3-none-any.whl", Assert.Single(Assert.Single(before.Targets).Wheels).Filename);
        foreach (var id in new[] { running.Id, queued.Id })
        {
            var build = await cluster.WaitForEndAsync(id, TimeSpan.FromMinutes(3));
            Assert.True(build.State == BuildState.Succeeded, build + "\n" + cluster.Logs());
            Assert.Equal(WheelOutcome.Published, Assert.Single(Assert.Single(build.Targets).Wheels).Outcome);
        }

        Assert.Single(Directory.GetFiles(cluster.Root, "pf_steady-1.0-*.whl"));
        Assert.Single(Directory.GetFiles(cluster.Root, "pf_cext-1.0-cp310-cp310-linux_x86_64.whl"));
        Assert.Equal(3, await TestPostgres.CountAsync(cluster.Schema, "SELECT count(*) FROM {schema}.pypiforge_build"));
    }

    [Fact]
    public async Task CancelBuild_reaches_a_remote_agent_which_stops_pip_and_reports_the_build_cancelled()
    {
        var staging = TempDirectory.Create("slow-sdist");
        // setup.py runs in the agent's build sandbox; its child carries a marker the host's /proc shows.
        var marker = HostProcesses.Marker();
        var setup = $$"""
            import subprocess, time
            subprocess.Popen(["sleep", "{{marker}}"])
            time.sleep(300)
            """;
        var sdist = TestDists.Sdist(staging, "pf-endless-1.0", "pf-endless", "1.0", setupPy: setup);
        await using var cluster = await Cluster.StartAsync([sdist]);
        var agent = cluster.StartAgent(Cluster.Python311);
        await cluster.WaitForAgentsAsync(Cluster.Cp311, agent);

        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-endless" }, Targets = { Cluster.Cp311 } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(HostProcesses.WithArgument(marker).Count > 0), TimeSpan.FromMinutes(2)), "setup.py never started\n" + cluster.Logs());
        var sleeper = Assert.Single(HostProcesses.WithArgument(marker));
        var pid = HostProcesses.Parent(sleeper);

        await cluster.Client.CancelBuildAsync(new CancelBuildRequest { Id = requested.Id });
        var build = await cluster.WaitForEndAsync(requested.Id, TimeSpan.FromSeconds(60));

        Assert.True(build.State == BuildState.Cancelled, build + "\n" + cluster.Logs());
        Assert.Equal("Cancelled on request.", Assert.Single(build.Targets).Error);
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}") && !Directory.Exists($"/proc/{sleeper}")), TimeSpan.FromSeconds(20)), "setup.py still runs");
        Assert.False(agent.HasExited);
        Assert.Empty(Directory.GetFiles(cluster.Root, "pf_endless-*"));
    }
}
