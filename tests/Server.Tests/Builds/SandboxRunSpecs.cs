using CliWrap;
using CliWrap.Buffered;
using PypiForge.Server.Tests.Distributed;

namespace PypiForge.Server.Tests.Builds;

/// <summary>
/// The agent's <c>sandbox-run</c> verb runs a command as a build would. Run by a user that is not root, it shows the
/// other way an agent sandboxes its builds: in a user namespace, as itself, with no capabilities.
/// </summary>
public sealed class SandboxRunSpecs
{
    private const string Report = """
        import os
        status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
        print("uid", os.getuid(), "caps", status["CapEff"].strip(), "nnp", status["NoNewPrivs"].strip())
        print("home", os.environ["HOME"], "pids", len([p for p in os.listdir("/proc") if p.isdigit()]))
        print("root-visible", os.path.exists("/root/.ssh") or os.path.exists("/work"))
        """;

    [Fact]
    public async Task An_agent_that_is_not_root_builds_in_a_user_namespace_as_itself_without_capabilities()
    {
        var home = TempDirectory.Create("nobody-home");
        await Cli.Wrap("chown").WithArguments(["nobody", home]).ExecuteAsync();

        var result = await Run(["runuser", "-u", "nobody", "--", "env", $"HOME={home}", $"DOTNET_CLI_HOME={home}", "DOTNET_CLI_TELEMETRY_OPTOUT=1",
            "dotnet", AgentProcess.AgentDll, "sandbox-run", "--", "/usr/bin/python3", "-c", Report]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("uid 65534 caps 0000000000000000 nnp 1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("home /build", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("root-visible False", result.StandardOutput, StringComparison.Ordinal);
        TempDirectory.Delete(home);
    }

    [Fact]
    public async Task Run_by_root_a_command_runs_as_an_unprivileged_user_of_its_own()
    {
        var result = await Run(["dotnet", AgentProcess.AgentDll, "sandbox-run", "--", "/usr/bin/python3", "-c", Report]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("uid 63000 caps 0000000000000000 nnp 1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("root-visible False", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_command_it_says_how_to_use_it()
    {
        var result = await Run(["dotnet", AgentProcess.AgentDll, "sandbox-run"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("give the command to run after --", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<BufferedCommandResult> Run(string[] command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Cli.Wrap(command[0]).WithArguments(command[1..]).WithWorkingDirectory("/")
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
