using System.Text.Json;
using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Tokens;

/// <summary>token create, list and revoke over TokenService, and that the tokens work (and stop working).</summary>
[Collection(CliServerGroup.Name)]
public sealed class TokenCommandSpecs(CliServer server)
{
    [Fact]
    public async Task A_created_token_signs_in_is_listed_and_stops_working_once_revoked()
    {
        var created = await server.RunAsync("token", "create", "--user", "ci", "--permissions", "read, upload", "--description", "CI job");
        Assert.True(created.ExitCode == 0, created.ToString());
        var secret = created.StdOut.Trim();
        Assert.DoesNotContain('\n', secret);
        var id = System.Text.RegularExpressions.Regex.Match(created.StdErr, @"Token (\S+) for 'ci'").Groups[1].Value;
        Assert.NotEmpty(id);

        var signedIn = await server.RunAsync("projects", "--token", secret);
        Assert.True(signedIn.ExitCode == 0, signedIn.ToString());

        var listed = await server.RunAsync("token", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        using (var json = JsonDocument.Parse(listed.StdOut))
        {
            var token = Assert.Single(json.RootElement.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("id").GetString() == id);
            Assert.Equal("ci", token.GetProperty("user").GetString());
            Assert.Equal(["read", "upload"], token.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
            Assert.DoesNotContain(secret, listed.StdOut, StringComparison.Ordinal);
        }

        var table = await server.RunAsync("token", "list");
        Assert.Contains("CI job", table.StdOut, StringComparison.Ordinal);

        var revoked = await server.RunAsync("token", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());

        var after = await server.RunAsync("projects", "--token", secret);
        Assert.True(after.ExitCode == 3, after.ToString());
    }

    [Fact]
    public async Task Create_json_gives_the_secret_and_the_token()
    {
        var run = await server.RunAsync("token", "create", "--user", "bot", "--permissions", "read", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        Assert.StartsWith("pypf_", json.RootElement.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("bot", json.RootElement.GetProperty("token").GetProperty("user").GetString());
    }

    [Fact]
    public async Task An_unknown_permission_is_bad_usage_with_the_servers_message()
    {
        var run = await server.RunAsync("token", "create", "--user", "x", "--permissions", "root");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("root", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_an_unknown_id_fails_and_a_non_admin_is_told_admin_is_needed()
    {
        var unknown = await server.RunAsync("token", "revoke", "no-such-id");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("no-such-id", unknown.StdErr, StringComparison.Ordinal);

        var reader = await server.RunAsync("token", "list", "--token", server.ReadToken);
        Assert.True(reader.ExitCode == 3, reader.ToString());
        Assert.Contains("this needs the admin permission", reader.StdErr, StringComparison.Ordinal);
    }
}
