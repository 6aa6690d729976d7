using CliWrap;
using CliWrap.Buffered;
using PypiForge.Agent.Remote;
using PypiForge.Server.Tests.Distributed;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>The systemd units in deploy/ (issue 16, item 7): systemd accepts them, the server starts with the command
/// line the unit gives it, and the build sandbox works with no more capabilities than the units leave it.</summary>
public sealed class ServiceUnitSpecs
{
    private static string Unit(string name) => Path.Combine(DistFixtures.RepositoryRoot, "deploy", name);

    [Theory]
    [InlineData("pypiforge.service")]
    [InlineData("pypiforge-agent.service")]
    public async Task Systemd_analyze_verifies_the_unit_without_a_warning(string name)
    {
        // systemd-analyze (Debian's systemd package) checks every key and that ExecStart's program exists; it needs no
        // running systemd.
        var result = await Run(["systemd-analyze", "verify", Unit(name)]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(string.Empty, result.StandardError.Trim());
    }

    [Fact]
    public async Task The_server_starts_with_the_command_line_its_unit_gives_it()
    {
        var unit = await File.ReadAllLinesAsync(Unit("pypiforge.service"));
        var exec = Setting(unit, "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/usr/bin/dotnet", exec[0]);
        Assert.Equal(Path.GetFileName(ServerProcess.ServerDll), Path.GetFileName(exec[1]));
        var args = exec[2..];
        var root = Value(args, "--root");
        var state = Value(args, "--state-dir");
        // The folders the unit lets the service write are those its command line names.
        Assert.StartsWith(Setting(unit, "ReadWritePaths") + "/", root, StringComparison.Ordinal);
        Assert.Equal("/var/lib/" + Setting(unit, "StateDirectory"), state);

        var work = TempDirectory.Create("unit-server");
        var port = ServerProcess.FreePort();
        var here = args.Select(a => a == root ? Path.Combine(work, "packages") : a == state ? Path.Combine(work, "state") : a)
            .Select(a => a.StartsWith("http://0.0.0.0:", StringComparison.Ordinal) ? $"http://127.0.0.1:{port}" : a);
        await using var server = ServerProcess.Start(work, [.. here, "--grpc-port", "0", "--Queue:EmbeddedAgent", "false", "--fallback", "none"], port: port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.True(File.Exists(Path.Combine(work, "state", "format-version")), server.Output);
        Assert.True(Directory.Exists(Path.Combine(work, "packages")));
    }

    [Fact]
    public void The_agents_unit_gives_it_a_command_line_it_accepts()
    {
        var unit = File.ReadAllLines(Unit("pypiforge-agent.service"));
        var exec = Setting(unit, "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("/usr/bin/dotnet", exec[0]);
        Assert.Equal(Path.GetFileName(AgentProcess.AgentDll), Path.GetFileName(exec[1]));
        Assert.Null(AgentCommandLine.Refusal(exec[2..], RemoteAgent.SwitchMappings));
        Assert.DoesNotContain("--token", exec);
        Assert.DoesNotContain("--hangfire", exec);
    }

    [Theory]
    [InlineData("pypiforge.service")]
    [InlineData("pypiforge-agent.service")]
    public async Task A_sandboxed_build_runs_with_only_the_capabilities_the_unit_leaves_and_no_new_privileges(string name)
    {
        // As systemd starts a root service with CapabilityBoundingSet= and NoNewPrivileges=yes: the bounding set is all a
        // root process keeps across exec.
        var capabilities = Setting(await File.ReadAllLinesAsync(Unit(name)), "CapabilityBoundingSet")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static c => "+" + c["CAP_".Length..].ToLowerInvariant());
        const string Report = """
            import os
            status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
            print("uid", os.getuid(), "caps", status["CapEff"].strip(), "bounding", status["CapBnd"].strip(), "nnp", status["NoNewPrivs"].strip())
            """;

        var result = await Run(["setpriv", "--no-new-privs", "--inh-caps=-all", $"--bounding-set=-all,{string.Join(',', capabilities)}", "--",
            "dotnet", AgentProcess.AgentDll, "sandbox-run", "--", "/usr/bin/python3", "-c", Report]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("uid 63000 caps 0000000000000000 bounding 0000000000000000 nnp 1", result.StandardOutput, StringComparison.Ordinal);
    }

    private static string Setting(IEnumerable<string> unit, string key) =>
        Assert.Single(unit, l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    private static string Value(string[] args, string name) => args[Array.IndexOf(args, name) + 1];

    private static async Task<BufferedCommandResult> Run(string[] command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Cli.Wrap(command[0]).WithArguments(command[1..]).WithWorkingDirectory("/")
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
