using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.EndToEnd;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A server killed with SIGKILL during a build (its own process, started as an operator starts it): the
/// sandbox takes pip and everything setup.py started down with it, and the next start removes the build folder.</summary>
public sealed class KilledServerSpecs
{
    [Fact]
    public async Task Killing_the_server_mid_build_leaves_no_build_process_and_the_restart_removes_the_build_folder()
    {
        var root = TempDirectory.Create("killed-root");
        var work = TempDirectory.Create("killed-work");
        var staging = TempDirectory.Create("killed-dist");
        try
        {
            var marker = HostProcesses.Marker();
            var setup = $$"""
                import subprocess, time
                child = subprocess.Popen(["sleep", "{{marker}}"])
                time.sleep(300)
                """;
            File.Copy(TestDists.Sdist(staging, "pf-killed-1.0", "pf-killed", "1.0", setupPy: setup), Path.Combine(root, "pf-killed-1.0.tar.gz"));
            foreach (var backend in await PipServerFixture.BuildBackendWheelsAsync())
            {
                File.Copy(backend, Path.Combine(root, Path.GetFileName(backend)));
            }

            var grpcPort = ServerProcess.FreePort();
            List<int> pids;
            await using (var server = await StartAsync(root, work, grpcPort))
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
                var builds = new BuildService.BuildServiceClient(channel);
                Assert.True(await ServerHost.EventuallyAsync(async () => (await builds.ListTargetsAsync(new ListTargetsRequest())).Targets.Count > 0, TimeSpan.FromSeconds(60)),
                    "the embedded agent found no target: " + server.Output);
                await builds.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-killed" } });
                Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(HostProcesses.WithArgument(marker).Count > 0), TimeSpan.FromMinutes(2)),
                    "setup.py never started: " + server.Output);
                var sleeper = Assert.Single(HostProcesses.WithArgument(marker));
                pids = [sleeper, HostProcesses.Parent(sleeper)];
                Assert.Single(Directory.GetDirectories(work, "pypiforge-build-*"));

                await server.KillAloneAsync();
            }

            Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(pids.All(pid => !Directory.Exists($"/proc/{pid}"))), TimeSpan.FromSeconds(20)),
                "processes of the build outlived the killed server: " + string.Join(", ", pids.Where(pid => Directory.Exists($"/proc/{pid}"))));
            Assert.Empty(HostProcesses.WithArgument(marker));
            Assert.Single(Directory.GetDirectories(work, "pypiforge-build-*")); // what the kill left

            await using var restarted = await StartAsync(root, work, ServerProcess.FreePort());

            Assert.Empty(Directory.GetFileSystemEntries(work, "pypiforge-build-*"));
            Assert.Contains("Removed 1 build folders from " + work, restarted.Output, StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Delete(root);
            TempDirectory.Delete(work);
            TempDirectory.Delete(staging);
        }
    }

    private static async Task<ServerProcess> StartAsync(string root, string work, int grpcPort)
    {
        var port = ServerProcess.FreePort();
        var server = ServerProcess.Start(work, [
            "--urls", $"http://127.0.0.1:{port}", "--grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--root", root, "--fallback", "none", "--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", "python3",
            "--Agent:WorkerCount", "1", "--Agent:WorkDirectory", work,
        ], port: port);
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), "the server did not start: " + server.Output);
        return server;
    }
}
