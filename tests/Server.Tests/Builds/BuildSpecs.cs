using System.Diagnostics;
using Grpc.Core;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Builds end to end: gRPC request → Hangfire queue per target → real pip wheel → wheel served → pip installs it.</summary>
public sealed class BuildSpecs
{
    [Fact]
    public async Task A_c_extension_sdist_becomes_a_served_cp311_wheel_that_pip_installs_and_imports()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz")]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { BuildServer.Cp311 } });
        var build = await server.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Succeeded, build.ToString());
        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildServer.Cp311, target.Target);
        var wheel = Assert.Single(target.Wheels);
        Assert.Equal("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", wheel.Filename);
        Assert.Equal(WheelOutcome.Published, wheel.Outcome);
        Assert.True(File.Exists(Path.Combine(server.Host.Root, wheel.Filename)));

        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv-built"), "venv"));
        var install = await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--only-binary", ":all:", "--index-url", server.Host.IndexUrl, "pf-cext");
        Assert.True(install.ExitCode == 0, install.Combined);
        var run = await PythonClient.RunAsync(python, ["-c", "import pf_cext; print(pf_cext.add(20, 22))"]);
        Assert.Equal("42", run.StdOut.Trim());
    }

    [Fact]
    public async Task Two_interpreters_give_two_platform_wheels_on_their_own_queues_and_a_pure_package_gives_one_wheel()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz"), DistFixtures.Path("pf-pure-1.0.tar.gz")], withPython310: true);

        var cext = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext" } });
        Assert.Equal([BuildServer.Cp310, BuildServer.Cp311], cext.Targets.Select(t => t.Target).Order(StringComparer.Ordinal));
        var cextBuild = await server.WaitForEndAsync(cext.Id);
        Assert.True(cextBuild.State == BuildState.Succeeded, cextBuild.ToString());
        foreach (var target in cextBuild.Targets)
        {
            var tag = target.Target.Split('-')[0];
            Assert.Equal($"pf_cext-1.0-{tag}-{tag}-linux_x86_64.whl", Assert.Single(target.Wheels).Filename);
            Assert.Equal(WheelOutcome.Published, target.Wheels[0].Outcome);
        }

        var pure = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" } });
        var pureBuild = await server.WaitForEndAsync(pure.Id);
        Assert.True(pureBuild.State == BuildState.Succeeded, pureBuild.ToString());
        var outcomes = pureBuild.Targets.SelectMany(t => t.Wheels).ToList();
        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, w => Assert.Equal("pf_pure-1.0-py2.py3-none-any.whl", w.Filename));
        Assert.Single(outcomes, w => w.Outcome == WheelOutcome.Published);
        Assert.Single(outcomes, w => w.Outcome == WheelOutcome.AlreadyServed);
        Assert.Single(Directory.GetFiles(server.Host.Root, "pf_pure-*.whl"));
    }

    [Fact]
    public async Task A_broken_sdist_fails_with_pips_error_in_GetBuild_and_WatchBuild()
    {
        var staging = TempDirectory.Create("broken");
        var sdist = TestDists.Sdist(staging, "pf-broken-1.0", "pf-broken", "1.0",
            setupPy: "raise SystemExit('pf-broken: this sdist is deliberately broken')\n");
        await using var server = await BuildServer.StartAsync([sdist]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-broken" } });
        using var watch = server.Client.WatchBuild(new WatchBuildRequest { Id = requested.Id });
        var lines = new List<string>();
        Build? last = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await foreach (var e in watch.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (e.EventCase == BuildEvent.EventOneofCase.Log)
            {
                lines.Add(e.Log.Line);
            }
            else
            {
                last = e.Build;
            }
        }

        Assert.Equal(BuildState.Failed, last!.State);
        Assert.Contains(lines, l => l.Contains("deliberately broken", StringComparison.Ordinal));
        var build = await server.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id });
        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildState.Failed, target.State);
        Assert.Contains("pip wheel exited with code", target.Error);
        Assert.Contains(target.LogTail, l => l.Contains("deliberately broken", StringComparison.Ordinal));
        Assert.Empty(target.Wheels);
    }

    [Fact]
    public async Task Cancelling_a_long_build_stops_the_pip_process_tree_and_publishes_nothing()
    {
        // setup.py runs in the build sandbox and cannot write to the host; its child carries a marker the host's /proc shows.
        var staging = TempDirectory.Create("slow");
        var marker = HostProcesses.Marker();
        var setup = $$"""
            import subprocess, time
            child = subprocess.Popen(["sleep", "{{marker}}"])
            time.sleep(300)
            """;
        var sdist = TestDists.Sdist(staging, "pf-slow-1.0", "pf-slow", "1.0", setupPy: setup);
        await using var server = await BuildServer.StartAsync([sdist]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-slow" } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(HostProcesses.WithArgument(marker).Count > 0), TimeSpan.FromMinutes(2)), "setup.py never started");
        var sleeper = Assert.Single(HostProcesses.WithArgument(marker));
        List<int> pids = [sleeper, HostProcesses.Parent(sleeper)];
        Assert.Equal(BuildState.Running, (await server.Client.GetBuildAsync(new GetBuildRequest { Id = requested.Id })).State);

        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = requested.Id });
        var build = await server.WaitForEndAsync(requested.Id, within: TimeSpan.FromSeconds(60));

        Assert.Equal(BuildState.Cancelled, build.State);
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(pids.All(pid => !IsAlive(pid))), TimeSpan.FromSeconds(20)),
            "pip's subprocesses are still alive: " + string.Join(", ", pids.Where(IsAlive)));
        Assert.Empty(Directory.GetFiles(server.Host.Root, "pf_slow*"));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
