using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Builds;

/// <summary>
/// One x86_64 machine builds for other platforms: a C extension built in a Debian i386 root is served as a linux_i686
/// wheel, and in an arm64 root (through qemu-user) as a linux_aarch64 one; each root's own pip, in the sandbox, installs
/// it from the index and imports it.
/// </summary>
public sealed class ForeignTargetSpecs
{
    [Fact]
    public Task A_c_extension_built_in_an_i386_root_is_a_linux_i686_wheel_the_roots_own_pip_installs_and_imports() =>
        BuildsAndInstallsAsync(BuildRoots.I386Async, "cp311-cp311-linux_i686");

    [Fact]
    public Task A_c_extension_built_in_an_arm64_root_is_a_linux_aarch64_wheel_the_roots_own_pip_installs_and_imports() =>
        BuildsAndInstallsAsync(BuildRoots.Arm64Async, "cp311-cp311-linux_aarch64");

    private static async Task BuildsAndInstallsAsync(Func<Task<string>> makeRoot, string targetName)
    {
        var root = await makeRoot();
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz")], null, false,
            "--Agent:Targets:0:Root", root, "--Agent:Targets:0:Interpreter", "/usr/bin/python3");
        Assert.True(await ServerHost.EventuallyAsync(async () =>
            (await server.Client.ListTargetsAsync(new ListTargetsRequest())).Targets.Any(t => t.Name == targetName), TimeSpan.FromMinutes(2)),
            $"{targetName} was not discovered: " + string.Join('\n', server.Host.Logs.Messages()));

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { targetName } });
        var build = await server.WaitForEndAsync(requested.Id, within: TimeSpan.FromMinutes(10));

        Assert.True(build.State == BuildState.Succeeded, build.ToString());
        var wheel = Assert.Single(Assert.Single(build.Targets).Wheels);
        Assert.Equal($"pf_cext-1.0-{targetName}.whl", wheel.Filename);
        Assert.Equal(WheelOutcome.Published, wheel.Outcome);
        Assert.True(File.Exists(Path.Combine(server.Host.Root, wheel.Filename)));

        // The root's own python3 and pip, in the same sandbox a build gets, install the served wheel and import it.
        var sandbox = new BuildSandbox(Options.Create(new AgentOptions()), NullLogger<BuildSandbox>.Instance);
        var target = await new TargetDiscovery(sandbox, NullLogger<TargetDiscovery>.Instance).DiscoverAsync("/usr/bin/python3", root, CancellationToken.None);
        var work = TempDirectory.Create("foreign-install");
        try
        {
            using var run = sandbox.Begin(Path.Combine(work, "scratch"));
            var script =
                $"python3 -m pip install --no-cache-dir --disable-pip-version-check --break-system-packages --only-binary :all: " +
                $"--target /build/site --index-url {server.Host.IndexUrl} pf-cext==1.0 && " +
                "PYTHONPATH=/build/site python3 -c 'import pf_cext, platform; print(pf_cext.add(20, 22), platform.machine())'";
            var command = sandbox.Command(target.Environment, "/bin/sh", ["-c", script], run);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var install = Cli.Wrap(command.FileName).WithArguments(command.Arguments).WithEnvironmentVariables(command.Environment)
                .WithWorkingDirectory(command.WorkingDirectory).WithValidation(CommandResultValidation.None);
            var result = await SpawnThread.Start(() => install.ExecuteBufferedAsync(timeout.Token));

            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            Assert.Contains($"pf_cext-1.0-{targetName}.whl", result.StandardOutput, StringComparison.Ordinal);
            var last = result.StandardOutput.Trim().Split('\n')[^1].Split(' ');
            Assert.Equal("42", last[0]);
            Assert.Equal(targetName.EndsWith("i686", StringComparison.Ordinal) ? "i686" : "aarch64", last[1]);
        }
        finally
        {
            TempDirectory.Delete(work);
        }
    }
}
