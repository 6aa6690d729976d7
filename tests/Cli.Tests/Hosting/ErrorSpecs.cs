using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Hosting;

/// <summary>Every way a command can go wrong ends in one line on stderr a person can act on, and the documented exit
/// code: 2 bad usage, 3 the server cannot be reached or will not let the caller in.</summary>
[Collection(CliServerGroup.Name)]
public sealed class ErrorSpecs(CliServer server)
{
    [Fact]
    public async Task A_server_nobody_listens_on_is_exit_3_naming_the_url_tried()
    {
        var port = ServerProcess.FreePort();
        var run = await PypiforgeCli.RunAsync(["targets", "--server", $"http://127.0.0.1:{port}"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"http://127.0.0.1:{port}/", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("--server", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
    }

    [Fact]
    public async Task The_default_server_comes_from_PYPIFORGE_SERVER_and_host_port_means_http()
    {
        var port = ServerProcess.FreePort();
        var run = await PypiforgeCli.RunAsync(["targets"], new Dictionary<string, string?> { ["PYPIFORGE_SERVER"] = $"127.0.0.1:{port}" });

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"http://127.0.0.1:{port}/", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_index_port_instead_of_the_grpc_port_is_exit_3_and_says_so()
    {
        var run = await server.RunAsync("targets", "--server", server.HttpUrl);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("not as PypiForge's gRPC API", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_value_that_is_no_url_is_bad_usage()
    {
        var run = await PypiforgeCli.RunAsync(["targets", "--server", "ftp://example.org/"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("ftp://example.org/", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_exit_3()
    {
        var run = await server.RunAsync("targets", "--token", "pypf_not-a-token");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Single(run.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task No_token_on_a_server_with_tokens_is_exit_3_and_says_how_to_give_one()
    {
        var run = await PypiforgeCli.RunAsync(["token", "list"], new Dictionary<string, string?> { ["PYPIFORGE_SERVER"] = server.GrpcUrl });

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("PYPIFORGE_TOKEN", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_permission_is_told_which_one_is_missing()
    {
        var run = await server.RunAsync("build", "pf-pure==1.0", "--token", server.ReadToken);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("this needs the build permission", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("'build'", run.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build")]
    [InlineData("builds", "--state", "sleeping")]
    [InlineData("frobnicate")]
    [InlineData("yank")]
    [InlineData("token", "create", "--user", "ci")]
    [InlineData("builds", "--limit", "many")]
    [InlineData("project-status", "pf-pure", "abandoned")]
    public async Task Bad_usage_is_exit_2_with_the_problem_and_where_help_is(params string[] args)
    {
        var run = await server.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--help", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
    }

    [Fact]
    public async Task Help_is_exit_0_and_names_the_program()
    {
        var run = await PypiforgeCli.RunAsync(["--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("pypiforge [command] [options]", run.StdOut, StringComparison.Ordinal);
    }
}
