using System.Text.Json;
using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Builds;

/// <summary><c>pypiforge build</c> against a real server whose embedded agent runs the real pip: the exit codes of
/// --wait, the summary, --json, and the build's other commands.</summary>
[Collection(CliServerGroup.Name)]
public sealed class BuildCommandSpecs(CliServer server)
{
    [Fact]
    public async Task Build_wait_exits_0_when_every_target_built_and_ends_with_a_summary_of_targets_and_wheels()
    {
        var run = await server.RunAsync("build", "pf-pure==1.0", "--no-deps", "--wait");

        Assert.True(run.ExitCode == 0, run + "\n" + server.ServerOutput);
        Assert.Contains(server.Target, run.StdOut, StringComparison.Ordinal);
        Assert.Contains("succeeded", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("pf_pure-1.0-py2.py3-none-any.whl", run.StdOut, StringComparison.Ordinal);
        Assert.False(PypiforgeCli.HasEscapeCodes(run.StdOut), "piped output must be plain:\n" + run.StdOut);
    }

    [Fact]
    public async Task Build_wait_exits_1_when_a_target_failed_and_says_why_in_one_line()
    {
        var run = await server.RunAsync("build", "pf-missing==1.0", "--wait");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("pf-missing", run.StdOut, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("build show", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_prints_the_id_that_show_builds_and_watch_know()
    {
        var requested = await server.RunAsync("build", "pf-pure==1.0", "--no-deps", "--pre");
        Assert.True(requested.ExitCode == 0, requested.ToString());
        var id = requested.StdOut.Trim();
        Assert.Matches("^[0-9a-zA-Z-]+$", id);

        // watch follows it to the end and exits as --wait does; the log lines are pip's.
        var watched = await server.RunAsync("build", "watch", id);
        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.Contains("succeeded", watched.StdOut, StringComparison.Ordinal);

        var shown = await server.RunAsync("build", "show", id, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using (var build = JsonDocument.Parse(shown.StdOut))
        {
            Assert.Equal(id, build.RootElement.GetProperty("id").GetString());
            Assert.True(build.RootElement.GetProperty("pre").GetBoolean());
            Assert.Equal("BUILD_STATE_SUCCEEDED", build.RootElement.GetProperty("state").GetString());
        }

        var listed = await server.RunAsync("builds", "--project", "PF_Pure", "--state", "succeeded", "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        using var list = JsonDocument.Parse(listed.StdOut);
        Assert.Contains(list.RootElement.GetProperty("builds").EnumerateArray(), b => b.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Build_wait_json_prints_the_ended_build_as_one_document()
    {
        var run = await server.RunAsync("build", "pf-pure==1.0", "--no-deps", "--wait", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var build = JsonDocument.Parse(run.StdOut);
        Assert.Equal("BUILD_STATE_SUCCEEDED", build.RootElement.GetProperty("state").GetString());
        var target = Assert.Single(build.RootElement.GetProperty("targets").EnumerateArray());
        Assert.Equal(server.Target, target.GetProperty("target").GetString());
    }

    [Fact]
    public async Task An_unknown_target_is_bad_usage_and_the_known_targets_are_listed()
    {
        var run = await server.RunAsync("build", "pf-pure==1.0", "--target", "cp99-cp99-linux_x86_64");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cp99-cp99-linux_x86_64", run.StdErr, StringComparison.Ordinal);
        Assert.Contains(server.Target, run.StdErr, StringComparison.Ordinal);
        Assert.Single(run.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_requirement_the_server_refuses_is_bad_usage_with_its_message()
    {
        var run = await server.RunAsync("build", "--index-url=http://evil/");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--index-url", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_an_unknown_build_fails_with_the_servers_message()
    {
        var run = await server.RunAsync("build", "show", "no-such-build");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("no-such-build", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Targets_lists_the_live_target_with_its_python()
    {
        var run = await server.RunAsync("targets");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(server.Target, run.StdOut, StringComparison.Ordinal);
    }
}
