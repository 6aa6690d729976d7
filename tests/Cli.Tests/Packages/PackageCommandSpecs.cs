using System.Text.Json;
using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Packages;

/// <summary>projects, project, yank/unyank and delete against the real server's package folder.</summary>
[Collection(CliServerGroup.Name)]
public sealed class PackageCommandSpecs(CliServer server)
{
    [Fact]
    public async Task Projects_lists_what_is_served_and_filters_by_prefix()
    {
        var all = await server.RunAsync("projects", "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        using (var json = JsonDocument.Parse(all.StdOut))
        {
            var names = json.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Contains("pf-cext", names);
            Assert.Contains("pf-pure", names);
        }

        var some = await server.RunAsync("projects", "pf-c");
        Assert.True(some.ExitCode == 0, some.ToString());
        Assert.Contains("pf-cext", some.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("pf-pure", some.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Yank_and_unyank_round_trip_a_release_and_project_shows_it()
    {
        var yanked = await server.RunAsync("yank", "dotted-name-pkg==0.1", "--reason", "broken import");
        Assert.True(yanked.ExitCode == 0, yanked.ToString());
        Assert.Contains("yanked: Dotted.Name_Pkg-0.1-py3-none-any.whl", yanked.StdOut, StringComparison.Ordinal);

        var shown = await server.RunAsync("project", "Dotted.Name_Pkg");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("yes: broken import", shown.StdOut, StringComparison.Ordinal);

        var back = await server.RunAsync("unyank", "Dotted.Name_Pkg-0.1-py3-none-any.whl", "--json");
        Assert.True(back.ExitCode == 0, back.ToString());
        using var json = JsonDocument.Parse(back.StdOut);
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.False(file.GetProperty("yanked").GetBoolean());

        var project = await server.RunAsync("project", "dotted-name-pkg", "--json");
        using var after = JsonDocument.Parse(project.StdOut);
        Assert.False(after.RootElement.GetProperty("files")[0].GetProperty("yanked").GetBoolean());
    }

    [Fact]
    public async Task Yank_of_a_file_that_is_not_served_fails_with_the_servers_message()
    {
        var run = await server.RunAsync("yank", "nothing_here-1.0-py3-none-any.whl");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("nothing_here-1.0-py3-none-any.whl", run.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("==1.0")]
    [InlineData("pf-pure==")]
    [InlineData("packages/pf_pure-2.0-py3-none-any.whl")]
    public async Task Yank_of_something_that_is_neither_a_file_nor_a_release_is_bad_usage(string what)
    {
        var run = await server.RunAsync("yank", what);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("NAME==VERSION", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_without_a_terminal_and_without_yes_refuses_and_deletes_nothing()
    {
        var run = await server.RunAsync("delete", "pf-cext-1.0.tar.gz");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--yes", run.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.Root, "pf-cext-1.0.tar.gz")));
    }

    [Fact]
    public async Task Delete_on_a_terminal_asks_and_no_keeps_the_files_then_yes_deletes_them()
    {
        var kept = await server.RunInTerminalAsync(["delete", "pf-dep==1.0"], typed: "n\n");
        Assert.True(kept.ExitCode == 1, kept.ToString());
        Assert.Contains("[y/N]", kept.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.Root, "pf_dep-1.0-py2.py3-none-any.whl")));

        var deleted = await server.RunInTerminalAsync(["delete", "pf-dep==1.0"], typed: "y\n");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("deleted: pf_dep-1.0-py2.py3-none-any.whl", deleted.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Root, "pf_dep-1.0-py2.py3-none-any.whl")));
    }

    [Fact]
    public async Task Delete_with_yes_deletes_a_file_and_needs_admin()
    {
        var refused = await server.RunAsync("delete", "pf_pure-2.0-py3-none-any.whl", "--yes", "--token", server.ReadToken);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("this needs the admin permission", refused.StdErr, StringComparison.Ordinal);

        var run = await server.RunAsync("delete", "pf_pure-2.0-py3-none-any.whl", "--yes", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        Assert.Equal("pf_pure-2.0-py3-none-any.whl", Assert.Single(json.RootElement.GetProperty("deleted").EnumerateArray()).GetString());
        Assert.False(File.Exists(Path.Combine(server.Root, "pf_pure-2.0-py3-none-any.whl")));
    }
}
