using System.Net;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Pages;

/// <summary>A proxied project's page: the upstream as the index last saw it (a page view fetches nothing), its files
/// marked upstream, and files held back by the cooldown with the reason and when they become available.</summary>
public sealed class UpstreamProjectPageSpecs
{
    [Fact]
    public async Task A_proxied_project_shows_the_upstreams_files_and_the_held_back_ones_once_the_index_has_seen_them()
    {
        var upstreamRoot = TempDirectory.Create("pages-upstream");
        File.SetLastWriteTimeUtc(TestDists.Wheel(upstreamRoot, "pf-aged", "1.0"), DateTime.UtcNow - TimeSpan.FromDays(30));
        File.SetLastWriteTimeUtc(TestDists.Wheel(upstreamRoot, "pf-aged", "2.0"), DateTime.UtcNow - TimeSpan.FromDays(1));
        await using var upstream = await ServerHost.StartAsync(upstreamRoot);
        await using var proxy = await ServerHost.StartAsync(null, "--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:05",
            "--Upstream:CacheDirectory", TempDirectory.Create("pages-upstream-cache"), "--Upstream:MinReleaseAge", "7.00:00:00");

        using var unseen = await proxy.Client.GetAsync("project/pf-aged/");
        Assert.Equal(HttpStatusCode.NotFound, unseen.StatusCode);
        Assert.Contains("has not been fetched yet", await unseen.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.GetAsync("simple/pf-aged/")).StatusCode);
        var html = await proxy.Client.GetStringAsync("project/pf-aged/");
        Assert.Contains("href=\"/upstream/pf-aged/pf_aged-1.0-py3-none-any.whl\"", html);
        Assert.Contains("<span class=\"upstream\">upstream</span>", html);
        Assert.Contains("pf_aged-2.0-py3-none-any.whl <span class=\"upstream\">upstream, held back</span>", html);
        Assert.Contains("is held back by Upstream:MinReleaseAge", html);
        Assert.True(html.IndexOf("id=\"v-2.0\"", StringComparison.Ordinal) < html.IndexOf("id=\"v-1.0\"", StringComparison.Ordinal));
        TempDirectory.Delete(upstreamRoot);
    }
}
