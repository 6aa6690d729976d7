using System.Globalization;
using PypiForge.Server.Tests.Distributed;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>The command line answers a newcomer: usage and version, a refusal naming what it does not know, and a
/// message instead of a stack trace for a start-up mistake (issue 16, items 1 and 2).</summary>
public sealed class CommandLineSpecs
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task The_server_prints_its_usage_and_exits_0(string help)
    {
        var (code, output) = await RunServerAsync([help]);

        Assert.True(code == 0, output);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("--root DIR", output, StringComparison.Ordinal);
        Assert.Contains("token create", output, StringComparison.Ordinal);
        Assert.Contains("PYPIFORGE_CATALOG__ROOT", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_server_prints_its_version_and_exits_0()
    {
        var (code, output) = await RunServerAsync(["--version"]);

        Assert.True(code == 0, output);
        Assert.Matches(@"^PypiForge \d+\.\d+", output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    public async Task The_agent_answers_help_and_version_with_exit_0(string what)
    {
        var work = TempDirectory.Create("agent-help");
        await using var agent = AgentProcess.Start([what], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.True(agent.ExitCode == 0, agent.Output);
        Assert.Contains(what == "--help" ? "--server URL" : "PypiForge agent ", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_without_any_switch_exits_2_naming_the_missing_keys_without_a_stack_trace()
    {
        var work = TempDirectory.Create("agent-bare");
        await using var agent = AgentProcess.Start([], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains("Agent:Server (--server) is missing", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--Catlog:Root", "--Catlog:Root")]
    [InlineData("-x", "-x")]
    [InlineData("--server", "--server")]
    [InlineData("stray-word", "stray-word")]
    public async Task An_unknown_switch_or_a_stray_word_is_refused_with_one_line_naming_it(string word, string named)
    {
        var (code, output) = await RunServerAsync(word.StartsWith('-') ? [word, "value"] : [word]);

        Assert.Equal(2, code);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Contains(named, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_switch_without_its_value_is_refused()
    {
        var (code, output) = await RunServerAsync(["--root"]);

        Assert.Equal(2, code);
        Assert.Contains("--root needs a value", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Auth:TrustLoopback", "maybe", "Auth:TrustLoopback is 'maybe'; use one of Auto, Always, Never")]
    [InlineData("--Queue:Storage", "Redis", "Queue:Storage is 'Redis'; use one of InMemory, PostgreSql")]
    [InlineData("--Uploads:Overwrite", "Sometimes", "Uploads:Overwrite is 'Sometimes'; use one of Never, Always, PreReleases")]
    [InlineData("--Auth:AnonymousRead", "perhaps", "Auth:AnonymousRead is 'perhaps'; use true or false")]
    [InlineData("--htpasswd", "/nonexistent/htpasswd", "Auth:HtpasswdFile (--htpasswd) is '/nonexistent/htpasswd', which does not exist")]
    public async Task A_value_the_binder_cannot_read_exits_2_with_one_line_naming_the_key(string key, string value, string message)
    {
        var work = TempDirectory.Create("badvalue");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false", key, value], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite " + key);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(message, server.Output, StringComparison.Ordinal);
        Assert.Single(server.Output.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_value_from_the_environment_names_the_variable()
    {
        var work = TempDirectory.Create("badenv");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0"],
            new Dictionary<string, string> { ["PYPIFORGE_AUTH__TRUSTLOOPBACK"] = "maybe" }, port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite the variable");
        Assert.Equal(2, server.ExitCode);
        Assert.Contains("Auth:TrustLoopback (environment variable PYPIFORGE_AUTH__TRUSTLOOPBACK) is 'maybe'", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PYPIFORGE_CATALOG__RECONCILEINTERVAL", "00:00:00", "Catalog:ReconcileInterval (environment variable PYPIFORGE_CATALOG__RECONCILEINTERVAL) is 00:00:00; use")]
    [InlineData("PYPIFORGE_CATALOG__STATEDIRECTORY", "{file}", "Catalog:StateDirectory (environment variable PYPIFORGE_CATALOG__STATEDIRECTORY) is '{file}', which is a file")]
    public async Task A_validators_message_names_the_environment_variable_that_set_the_value(string variable, string value, string message)
    {
        var work = TempDirectory.Create("badenv-validated");
        var file = Path.Combine(work, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false"],
            new Dictionary<string, string> { [variable] = value.Replace("{file}", file, StringComparison.Ordinal) }, port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite " + variable);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(message.Replace("{file}", file, StringComparison.Ordinal), server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(--state-dir)", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sever", "http://127.0.0.1:1", "unknown option '--sever'")]
    [InlineData("--Catlog:Root", "/srv", "unknown option '--Catlog:Root'")]
    [InlineData("stray-word", null, "unexpected 'stray-word'")]
    [InlineData("-s", "http://127.0.0.1:1", "unexpected '-s'")]
    [InlineData("--server", null, "--server needs a value")]
    public async Task The_agent_refuses_an_unknown_switch_a_stray_word_or_a_missing_value_with_exit_2(string word, string? value, string message)
    {
        var work = TempDirectory.Create("agent-unknown");
        await using var agent = AgentProcess.Start(value is null ? [word] : [word, value], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.Equal(2, agent.ExitCode);
        Assert.Single(agent.Output.Trim().Split('\n'));
        Assert.Contains("The PypiForge agent cannot start: " + message, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agents_validator_lines_name_the_environment_variable_that_set_the_value()
    {
        var result = await PythonClient.RunAsync("dotnet", [AgentProcess.AgentDll, "--hangfire", "Host=127.0.0.1;Port=1"], TempDirectory.Create("agent-env"),
            new Dictionary<string, string?> { ["PYPIFORGE_AGENT__SERVER"] = "not-a-url", ["PYPIFORGE_AGENT__WORKERCOUNT"] = "0" }, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.Combined);
        Assert.Contains("Agent:Server (environment variable PYPIFORGE_AGENT__SERVER) is 'not-a-url'", result.Combined, StringComparison.Ordinal);
        Assert.Contains("Agent:WorkerCount (environment variable PYPIFORGE_AGENT__WORKERCOUNT) is 0", result.Combined, StringComparison.Ordinal);
        Assert.DoesNotContain("(--server)", result.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_PYPIFORGE_variable_is_warned_about_with_the_likely_intended_name()
    {
        var work = TempDirectory.Create("misspelt");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false", "--fallback", "none"],
            new Dictionary<string, string> { ["PYPIFORGE_CATALOG_ROOT"] = "/srv/pypi" }, port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.Contains("PYPIFORGE_CATALOG_ROOT is not a PypiForge setting", server.Output, StringComparison.Ordinal);
        Assert.Contains("did you mean PYPIFORGE_CATALOG__ROOT", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_block_says_where_the_index_gRPC_dashboard_and_packages_are()
    {
        var work = TempDirectory.Create("banner");
        var root = Path.Combine(work, "served");
        Directory.CreateDirectory(root);
        var port = ServerProcess.FreePort();
        var grpc = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", grpc.ToString(CultureInfo.InvariantCulture),
            "--root", root, "--Queue:EmbeddedAgent", "false", "--fallback", "none"], port: port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(server.Output.Contains("builds:", StringComparison.Ordinal))), server.Output);
        var output = server.Output;
        Assert.Contains($"index:      http://127.0.0.1:{port}/simple/", output, StringComparison.Ordinal);
        Assert.Contains($"gRPC:       http://127.0.0.1:{grpc}/", output, StringComparison.Ordinal);
        Assert.Contains($"dashboard:  http://127.0.0.1:{port}/hangfire", output, StringComparison.Ordinal);
        Assert.Contains($"packages:   {root}", output, StringComparison.Ordinal);
        Assert.Contains("builds:     remote agents only", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Overriding address", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunServerAsync(string[] args)
    {
        var work = TempDirectory.Create("cmdline");
        await using var server = ServerProcess.Start(work, args);
        if (!await server.WaitForExitAsync(TimeSpan.FromSeconds(60)))
        {
            Assert.Fail($"`{string.Join(' ', args)}` started a server instead of answering: {server.Output}");
        }

        return (server.ExitCode, server.Output);
    }
}
