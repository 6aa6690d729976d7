using System.Text.Json;
using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Policy;

/// <summary>allow-fresh and project-status over PolicyService (issue 14's break-glass and PEP 792 status). The specs
/// that reach the server need its PolicyService; the bad forms are refused by the command line itself.</summary>
[Collection(CliServerGroup.Name)]
public sealed class PolicyCommandSpecs(CliServer server)
{
    [Fact]
    public async Task Policy_allow_fresh_is_created_listed_and_revoked()
    {
        var created = await server.RunAsync("allow-fresh", "pf-pure==1.0", "--reason", "security fix cannot wait", "--expires", "2d", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        string id;
        using (var allowance = JsonDocument.Parse(created.StdOut))
        {
            id = allowance.RootElement.GetProperty("id").GetString()!;
            Assert.Equal("1.0", allowance.RootElement.GetProperty("version").GetString());
            Assert.Equal("security fix cannot wait", allowance.RootElement.GetProperty("reason").GetString());
            var expires = allowance.RootElement.GetProperty("expires").GetDateTimeOffset();
            Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(1.9), DateTimeOffset.UtcNow.AddDays(2.1));
        }

        var listed = await server.RunAsync("allow-fresh", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(id, listed.StdOut, StringComparison.Ordinal);
        Assert.Contains("security fix cannot wait", listed.StdOut, StringComparison.Ordinal);

        var revoked = await server.RunAsync("allow-fresh", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());

        var after = await server.RunAsync("allow-fresh", "list", "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain(id, after.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_project_status_is_set_and_shown_by_project()
    {
        var set = await server.RunAsync("project-status", "PF_Cext", "archived", "--reason", "superseded by pf-cext2");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("archived", set.StdOut, StringComparison.Ordinal);

        var shown = await server.RunAsync("project", "pf-cext", "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using (var project = JsonDocument.Parse(shown.StdOut))
        {
            Assert.Equal("archived", project.RootElement.GetProperty("status").GetProperty("status").GetString());
            Assert.Equal("superseded by pf-cext2", project.RootElement.GetProperty("status").GetProperty("reason").GetString());
        }

        var back = await server.RunAsync("project-status", "pf-cext", "active");
        Assert.True(back.ExitCode == 0, back.ToString());
    }

    [Fact]
    public async Task Policy_changes_need_the_admin_permission()
    {
        var run = await server.RunAsync("allow-fresh", "pf-pure", "--reason", "x", "--token", server.ReadToken);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("this needs the admin permission", run.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allow-fresh", "pf-pure")]
    [InlineData("allow-fresh", "pf-pure", "--reason", "x", "--expires", "soon")]
    [InlineData("allow-fresh", "pf-pure", "--reason", "x", "--expires", "-2d")]
    [InlineData("allow-fresh", "pf-pure==", "--reason", "x")]
    [InlineData("allow-fresh", "revoke")]
    [InlineData("project-status", "pf-pure", "gone")]
    public async Task Policy_bad_forms_are_bad_usage_before_any_call(params string[] args)
    {
        var run = await server.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.NotEmpty(run.StdErr.Trim());
    }
}
