using Grpc.Core;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Bad build-environment settings: each stops start-up with a message naming the key and what to do, or (no
/// bubblewrap) leaves the index serving while the agent refuses to build and says why.</summary>
public sealed class BuildEnvironmentConfigSpecs
{
    public enum Setting
    {
        MissingRoot,
        InterpreterMissingInRoot,
        RelativeInterpreter,
        ForeignRootWithoutQemu,
        RootWithoutSandbox,
        TinyMemoryLimit,
        NiceOutOfRange,
        IoPriorityOutOfRange,
        ExtraIndexNotAUrl,
        NegativeTimeout,
        NoWorkers,
    }

    [Theory]
    [InlineData(Setting.MissingRoot, "Agent:Targets:0:Root is '/nonexistent/roots/bookworm-i386', which is not an existing folder")]
    [InlineData(Setting.InterpreterMissingInRoot, "Agent:Targets:0:Interpreter is /usr/bin/python3.99, which")]
    [InlineData(Setting.RelativeInterpreter, "Agent:Targets:0:Interpreter is 'python3'; give the interpreter's absolute path")]
    [InlineData(Setting.ForeignRootWithoutQemu, "no qemu-s390x handler is registered with binfmt_misc")]
    [InlineData(Setting.RootWithoutSandbox, "Agent:Targets:0:Root needs the build sandbox")]
    [InlineData(Setting.TinyMemoryLimit, "Agent:Limits:MemoryMiB is 1")]
    [InlineData(Setting.NiceOutOfRange, "Agent:Limits:Nice is 40")]
    [InlineData(Setting.IoPriorityOutOfRange, "Agent:Limits:IoPriority is 8; use 0 (highest) to 7 (lowest)")]
    [InlineData(Setting.ExtraIndexNotAUrl, "Agent:ExtraIndexUrls:0 is 'not a url'; give an absolute http(s) URL")]
    [InlineData(Setting.NegativeTimeout, "Agent:BuildTimeout is -00:00:05")]
    [InlineData(Setting.NoWorkers, "Agent:WorkerCount is -3")]
    public async Task A_bad_build_environment_stops_start_up_with_a_message_naming_the_key(Setting setting, string expected)
    {
        var work = TempDirectory.Create("badagent");
        var args = await ArgumentsAsync(setting, work);
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "true", .. args], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite " + setting);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(expected, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output);
        TempDirectory.Delete(work);
    }

    [Fact]
    public async Task Without_bubblewrap_the_index_serves_the_agent_refuses_to_build_and_the_log_says_how_to_fix_it()
    {
        await using var host = await ServerHost.StartAsync(null, "--Queue:EmbeddedAgent", "true", "--Agent:Bubblewrap", "/nonexistent/bin/bwrap");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(host.GrpcUri!);
        var client = new BuildService.BuildServiceClient(channel);

        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(host.Logs.Messages().Any(m => m.Contains("will not build", StringComparison.Ordinal))), TimeSpan.FromSeconds(30)),
            string.Join('\n', host.Logs.Messages()));
        var message = host.Logs.Messages().First(m => m.Contains("will not build", StringComparison.Ordinal));
        Assert.Contains("Agent:Bubblewrap", message, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", message, StringComparison.Ordinal);
        Assert.Contains("Agent:Sandbox=None", message, StringComparison.Ordinal);
        Assert.Empty((await client.ListTargetsAsync(new ListTargetsRequest())).Targets);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure" } }));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("Agent:Sandbox", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True((await host.Client.GetAsync("/simple/")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Sandbox_None_builds_and_warns_at_start()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-pure-1.0.tar.gz")], false, "--Agent:Sandbox", "None");

        Assert.Contains(server.Host.Logs.Messages(), m => m.Contains("builds run WITHOUT a sandbox", StringComparison.Ordinal));
        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-pure==1.0" } });
        var build = await server.WaitForEndAsync(requested.Id);
        Assert.True(build.State == BuildState.Succeeded, build.ToString());
    }

    private static async Task<string[]> ArgumentsAsync(Setting setting, string work)
    {
        switch (setting)
        {
            case Setting.MissingRoot:
                return ["--Agent:Targets:0:Root", "/nonexistent/roots/bookworm-i386", "--Agent:Targets:0:Interpreter", "/usr/bin/python3"];
            case Setting.InterpreterMissingInRoot:
                return ["--Agent:Targets:0:Root", await BuildRoots.I386Async(), "--Agent:Targets:0:Interpreter", "/usr/bin/python3.99"];
            case Setting.RelativeInterpreter:
                return ["--Agent:Targets:0:Root", await BuildRoots.I386Async(), "--Agent:Targets:0:Interpreter", "python3"];
            case Setting.ForeignRootWithoutQemu:
                ForeignRoot.S390x(Path.Combine(work, "s390x-root"));
                return ["--Agent:Targets:0:Root", Path.Combine(work, "s390x-root"), "--Agent:Targets:0:Interpreter", "/usr/bin/python3"];
            case Setting.RootWithoutSandbox:
                return ["--Agent:Targets:0:Root", await BuildRoots.I386Async(), "--Agent:Targets:0:Interpreter", "/usr/bin/python3", "--Agent:Sandbox", "None"];
            case Setting.TinyMemoryLimit:
                return ["--Agent:Limits:MemoryMiB", "1"];
            case Setting.NiceOutOfRange:
                return ["--Agent:Limits:Nice", "40"];
            case Setting.IoPriorityOutOfRange:
                return ["--Agent:Limits:IoPriority", "8"];
            case Setting.ExtraIndexNotAUrl:
                return ["--Agent:ExtraIndexUrls:0", "not a url"];
            case Setting.NegativeTimeout:
                return ["--Agent:BuildTimeout", "-00:00:05"];
            case Setting.NoWorkers:
                return ["--Agent:WorkerCount", "-3"];
            default:
                throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }
    }
}
