using Grpc.Core;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>
/// A build whose index is down runs pip again, a bounded number of times, and a build that fails for good does not:
/// real pip, a real embedded agent, and a second real server as the index that holds the requirement
/// (Agent:ExtraIndexUrls), down when the build starts and started once the build says it is waiting for it.
/// </summary>
public sealed class TransientRetrySpecs
{
    [Fact]
    public async Task A_build_whose_index_is_down_runs_pip_again_once_it_is_back_and_succeeds()
    {
        var port = ServerProcess.FreePort();
        var later = TempDirectory.Create("later-index");
        File.Copy(DistFixtures.Path("pf-pure-1.0.tar.gz"), Path.Combine(later, "pf-pure-1.0.tar.gz"));
        await using var server = await BuildServer.StartAsync(
            [], false, "--Agent:ExtraIndexUrls:0", $"http://127.0.0.1:{port}/simple/", "--Agent:TransientRetryDelay", "00:00:03");
        ServerHost? index = null;
        try
        {
            var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" }, Targets = { BuildServer.Cp311 } });
            var (lines, build) = await WatchAsync(server, requested.Id, async line =>
            {
                // The index comes back while the build waits to run pip again.
                if (index is null && line.Contains("retrying in", StringComparison.Ordinal))
                {
                    index = await ServerHost.StartAsync(later, "--urls", $"http://127.0.0.1:{port}");
                }
            });

            Assert.True(build.State == BuildState.Succeeded, build + "\n" + string.Join('\n', lines));
            Assert.Contains(lines, l => l.Contains("Connection refused", StringComparison.Ordinal) && l.Contains("retrying in 3 s (attempt 2 of 4)", StringComparison.Ordinal));
            var wheel = Assert.Single(Assert.Single(build.Targets).Wheels);
            Assert.Equal("pf_pure-1.0-py2.py3-none-any.whl", wheel.Filename);
            Assert.Equal(WheelOutcome.Published, wheel.Outcome);
            Assert.True(File.Exists(Path.Combine(server.Host.Root, wheel.Filename)));
        }
        finally
        {
            if (index is not null)
            {
                await index.DisposeAsync();
            }

            TempDirectory.Delete(later);
        }
    }

    [Fact]
    public async Task An_index_that_stays_down_fails_the_build_after_the_configured_runs_saying_why()
    {
        var unreachable = $"http://127.0.0.1:{ServerProcess.FreePort()}/simple/";
        await using var server = await BuildServer.StartAsync(
            [], false, "--Agent:ExtraIndexUrls:0", unreachable, "--Agent:TransientRetries", "1", "--Agent:TransientRetryDelay", "00:00:01");

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" }, Targets = { BuildServer.Cp311 } });
        var (lines, build) = await WatchAsync(server, requested.Id, static _ => Task.CompletedTask);

        Assert.Equal(BuildState.Failed, build.State);
        var target = Assert.Single(build.Targets);
        Assert.StartsWith("An index could not be reached or failed in each of 2 runs of pip (Agent:TransientRetries): ", target.Error, StringComparison.Ordinal);
        Assert.Contains("Connection refused", target.Error, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("retrying in 1 s (attempt 2 of 2)", StringComparison.Ordinal));
        Assert.Empty(target.Wheels);
    }

    [Fact]
    public async Task A_compile_error_is_not_run_again()
    {
        var staging = TempDirectory.Create("badc");
        var sdist = TestDists.Sdist(staging, "pf-badc-1.0", "pf-badc", "1.0",
            setupPy: "from setuptools import setup, Extension\nsetup(name='pf-badc', version='1.0', ext_modules=[Extension('pf_badc', ['pf_badc.c'])])\n",
            files: new Dictionary<string, string> { ["pf_badc.c"] = "this is not C at all;\n" });
        await using var server = await BuildServer.StartAsync([sdist]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-badc" }, Targets = { BuildServer.Cp311 } });
        var (lines, build) = await WatchAsync(server, requested.Id, static _ => Task.CompletedTask);

        Assert.Equal(BuildState.Failed, build.State);
        var target = Assert.Single(build.Targets);
        Assert.StartsWith("pip could not build pf-badc (pip wheel exited with code 1).", target.Error, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("Failed building wheel for pf-badc", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("retrying in", StringComparison.Ordinal));
        TempDirectory.Delete(staging);
    }

    /// <summary>Follows the build's log until it ends (bounded); <paramref name="onLine"/> sees each line as it comes.</summary>
    private static async Task<(List<string> Lines, Build Build)> WatchAsync(BuildServer server, string id, Func<string, Task> onLine)
    {
        using var watch = server.Client.WatchBuild(new WatchBuildRequest { Id = id });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var lines = new List<string>();
        await foreach (var e in watch.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (e.EventCase == BuildEvent.EventOneofCase.Log)
            {
                lines.Add(e.Log.Line);
                await onLine(e.Log.Line);
            }
        }

        return (lines, await server.Client.GetBuildAsync(new GetBuildRequest { Id = id }));
    }
}
