using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Builds;
using PypiForge.Server.Pages;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Pages;

/// <summary>The pages over plain HTTP on a real server: canonical redirects, reasons for what is not there or not
/// valid, search, build listing and paging, headers, and the read permission of a private index.</summary>
public sealed class PagesHttpSpecs : IAsyncLifetime
{
    private ServerHost server = null!;

    public async Task InitializeAsync()
    {
        server = await ServerHost.StartAsync();
        TestDists.Wheel(server.Root, "Zope.Interface", "5.0");
        TestDists.Wheel(server.Root, "zope-interface", "6.0", requiresPython: ">=3.8");
        TestDists.Wheel(server.Root, "my-zope-tools", "1.0");
        TestDists.Wheel(server.Root, "unrelated", "1.0");
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetStringAsync("health")).Contains("\"files\":4", StringComparison.Ordinal)));
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_status_set_here_shows_on_the_project_page_with_who_set_it_and_wins_over_none()
    {
        server.Services.GetRequiredService<PypiForge.Server.SimpleIndex.LocalProjectStatuses>().Set("my-zope-tools", "quarantined", "under <review>", "alice");

        var html = await server.Client.GetStringAsync("project/my-zope-tools/");

        Assert.Contains("set here by alice", html);
        Assert.Contains("<strong>quarantined</strong>", html);
        Assert.Contains("under &lt;review&gt;", html);
        Assert.Contains("not served while it is quarantined", html);
    }

    [Fact]
    public async Task A_not_applicable_target_shows_its_state_and_one_line_reason_on_the_build_page()
    {
        var records = server.Services.GetRequiredService<BuildRecords>();
        const string reason = "unrelated 1.0 requires Python >=3.12; cp311-cp311-linux_x86_64 is Python 3.11.7";
        records.Open(new NewBuild("notapp00001", ["unrelated==1.0"], false, false, null, "notapp00001",
            [("cp311-cp311-linux_x86_64", Path.Combine(server.Root, "na.log"), reason)]));

        var html = await server.Client.GetStringAsync("builds/notapp00001");

        Assert.Contains("not-applicable", html);
        Assert.Contains(reason.Replace(">", "&gt;", StringComparison.Ordinal), html);
    }

    [Theory]
    [InlineData("project/Zope.Interface/", "/project/zope-interface/")]
    [InlineData("project/zope-interface", "/project/zope-interface/")]
    [InlineData("project/ZOPE_interface", "/project/zope-interface/")]
    [InlineData("builds", "/builds/")]
    [InlineData("builds?state=failed", "/builds/?state=failed")]
    [InlineData("targets", "/targets/")]
    public async Task Non_canonical_paths_redirect_permanently_to_the_canonical_one(string path, string location)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_project_page_lists_releases_newest_first_with_their_files_and_the_pip_line()
    {
        using var response = await server.Client.GetAsync("project/zope-interface/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PageResult.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(html.IndexOf("id=\"v-6.0\"", StringComparison.Ordinal) < html.IndexOf("id=\"v-5.0\"", StringComparison.Ordinal), html);
        Assert.Contains("zope_interface-6.0-py3-none-any.whl", html);
        Assert.Contains("&gt;=3.8", html);
        Assert.Contains($"pip install --index-url {server.IndexUrl} zope-interface", html);
        Assert.Contains("No build agent is live", html);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(server.Root, "zope_interface-6.0-py3-none-any.whl"))));
        Assert.Contains($"data-copy=\"{sha}\"", html);
    }

    [Theory]
    [InlineData("project/no-such-project/", HttpStatusCode.NotFound, "No project named &#x27;no-such-project&#x27; is served here")]
    [InlineData("project/-bad-/", HttpStatusCode.BadRequest, "Project names are ASCII letters")]
    [InlineData("builds/0123456789ab", HttpStatusCode.NotFound, "No build with id &#x27;0123456789ab&#x27;")]
    [InlineData("builds/0123456789ab/log/cp311-cp311-linux_x86_64", HttpStatusCode.NotFound, "No build with id")]
    [InlineData("builds/?state=exploded", HttpStatusCode.BadRequest, "state &#x27;exploded&#x27; is not a build state; use one of: queued, running")]
    [InlineData("builds/?after=not-a-build", HttpStatusCode.BadRequest, "after &#x27;not-a-build&#x27; is not a build this server knows")]
    [InlineData("builds/?target=linux", HttpStatusCode.BadRequest, "is not a target name")]
    [InlineData("builds/?project=a%20b", HttpStatusCode.BadRequest, "is not a valid project name")]
    public async Task What_is_not_there_or_not_valid_gets_a_page_that_says_why(string path, HttpStatusCode status, string reason)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_event_stream_of_an_unknown_build_is_404_with_a_reason()
    {
        using var response = await server.Client.GetAsync("builds/0123456789ab/events");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No build with id '0123456789ab'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Search_finds_names_by_prefix_first_then_by_substring_and_normalizes_the_query()
    {
        var html = await server.Client.GetStringAsync("search?q=Zope.");
        var prefix = html.IndexOf("/project/zope-interface/", StringComparison.Ordinal);
        var inside = html.IndexOf("/project/my-zope-tools/", StringComparison.Ordinal);
        Assert.True(prefix > 0 && inside > prefix, html);
        Assert.DoesNotContain("/project/unrelated/", html);
        Assert.Contains("value=\"Zope.\"", html);

        using var tooLong = await server.Client.GetAsync("search?q=" + new string('a', 201));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task The_builds_page_pages_newest_first_with_a_cursor_and_filters()
    {
        var records = server.Services.GetRequiredService<BuildRecords>();
        for (var i = 0; i < 60; i++)
        {
            var id = $"seed{i:D8}";
            records.Open(new NewBuild(id, [i % 2 == 0 ? "zope-interface==6.0" : "unrelated==1.0"], false, false, null, id,
                [("cp311-cp311-linux_x86_64", Path.Combine(server.Root, id + ".log"), null)]));
        }

        var first = await server.Client.GetStringAsync("builds/");
        Assert.Contains("seed00000059", first);
        Assert.DoesNotContain("seed00000009", first);
        Assert.Contains("href=\"/builds/?after=seed00000010\"", first);
        var second = await server.Client.GetStringAsync("builds/?after=seed00000010");
        Assert.Contains("seed00000009", second);
        Assert.Contains("seed00000000", second);
        Assert.DoesNotContain("seed00000010", second);
        Assert.DoesNotContain("Older builds", second);

        var filtered = await server.Client.GetStringAsync("builds/?project=Zope_Interface&state=queued&target=cp311-cp311-linux_x86_64");
        Assert.Contains("seed00000058", filtered);
        Assert.DoesNotContain("seed00000059", filtered);
        Assert.Contains("No builds match", await server.Client.GetStringAsync("builds/?state=failed"));
    }

    [Fact]
    public async Task Pages_keep_inline_script_and_style_out_and_serve_their_own_assets()
    {
        var home = await server.Client.GetStringAsync("");
        Assert.DoesNotContain("<script>", home);
        Assert.DoesNotContain("<style>", home);
        Assert.Contains("action=\"/search\"", home);
        Assert.Contains("href=\"/targets/\"", home);
        Assert.Contains("href=\"/builds/\"", home);
        using var script = await server.Client.GetAsync(PageAssets.ScriptPath.TrimStart('/'));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("EventSource", await script.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_private_index_needs_read_for_every_page()
    {
        var folder = TempDirectory.Create("pages-auth");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("reader", "reader-pw", "s"), ("builder", "builder-pw", "s"));
        await using var closed = await ServerHost.StartAsync(null,
            "--htpasswd", htpasswd, "--Auth:TrustLoopback", "Never", "--Auth:AnonymousRead", "false",
            "--Auth:Users:reader", "read", "--Auth:Users:builder", "build");
        TestDists.Wheel(closed.Root, "secret-thing", "1.0");
        string[] paths = ["", "search?q=secret", "project/secret-thing/", "builds/", "targets/", "builds/0123456789ab", "builds/0123456789ab/events"];
        foreach (var path in paths)
        {
            using var anonymous = await closed.Client.GetAsync(path);
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, path + " → " + anonymous.StatusCode);
            Assert.DoesNotContain("secret-thing", await anonymous.Content.ReadAsStringAsync());

            using var builder = await Send(closed, path, "builder:builder-pw");
            Assert.True(builder.StatusCode == HttpStatusCode.Forbidden, path + " as builder → " + builder.StatusCode);
        }

        Assert.True(await ServerHost.EventuallyAsync(async () =>
        {
            using var reader = await Send(closed, "project/secret-thing/", "reader:reader-pw");
            return reader.StatusCode == HttpStatusCode.OK;
        }));
        TempDirectory.Delete(folder);
    }

    private static async Task<HttpResponseMessage> Send(ServerHost host, string path, string credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await host.Client.SendAsync(request);
    }
}
