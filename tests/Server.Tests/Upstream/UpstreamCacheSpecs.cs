using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>The proxy against an upstream the test controls: one fetch per file, nothing half-written, pages cached for
/// their TTL and revalidated, and answers from what is here when the upstream misbehaves.</summary>
public sealed class UpstreamCacheSpecs
{
    private const string Project = "fake-proj";
    private const string Wheel = "fake_proj-1.0-py3-none-any.whl";

    private static Task<ServerHost> StartProxyAsync(FakeUpstream upstream, string? cache = null, params string[] more) =>
        ServerHost.StartAsync(null, ["--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:01",
            "--Upstream:CacheDirectory", cache ?? TempDirectory.Create("upstream-cache"), .. more]);

    private static string[] CachedFiles(ServerHost proxy)
    {
        var folder = proxy.Services.GetRequiredService<UpstreamPaths>().FilesDirectory;
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    private static async Task<JsonElement> JsonPageAsync(ServerHost proxy, string project = Project)
    {
        using var response = await proxy.Client.GetAsync($"simple/{project}/?format=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string[] FileNames(JsonElement page) =>
        [.. page.GetProperty("files").EnumerateArray().Select(static f => f.GetProperty("filename").GetString()!)];

    [Fact]
    public async Task Twenty_concurrent_first_downloads_give_twenty_intact_files_from_one_upstream_fetch()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream);
        await JsonPageAsync(proxy);
        upstream.HoldFiles = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Every request is waiting for the download (the upstream has sent half) before the upstream sends the rest.
        var cache = proxy.Services.GetRequiredService<UpstreamFileCache>();
        var pending = Enumerable.Range(0, 20).Select(_ => proxy.Client.GetAsync($"upstream/{Project}/{Wheel}", HttpCompletionOption.ResponseHeadersRead)).ToArray();
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(cache.Waiting == 20)), $"{cache.Waiting} of 20 requests are waiting");
        upstream.HoldFiles.SetResult();
        var responses = await Task.WhenAll(pending);
        var bodies = await Task.WhenAll(responses.Select(static r => r.Content.ReadAsByteArrayAsync()));

        Assert.All(responses, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(bodies, body => Assert.Equal(bytes, body));
        Assert.Equal(1, upstream.HitsOn("/files/" + Wheel));
        Assert.Single(CachedFiles(proxy));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_download_cut_short_leaves_no_cache_entry_and_the_next_request_fetches_it_whole()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream);
        upstream.CutFilesShort = true;

        var cut = await ReadOrFailAsync(proxy, $"upstream/{Project}/{Wheel}");

        Assert.NotEqual(bytes, cut); // never a complete-looking truncated file
        Assert.Empty(CachedFiles(proxy));
        Assert.Contains(proxy.Logs.Messages(), static m => m.Contains("failed", StringComparison.Ordinal) && m.Contains("nothing was cached", StringComparison.Ordinal));

        upstream.CutFilesShort = false;
        Assert.Equal(bytes, await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}"));
        Assert.Equal(2, upstream.HitsOn("/files/" + Wheel));
        Assert.Single(CachedFiles(proxy));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_pages_sha256_never_reach_the_client_nor_the_cache()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream);
        upstream.CorruptFiles = true;

        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Wheel}");
        var body = await response.Content.ReadAsStringAsync();

        // An error answer that says why, not a 200 whose body is cut short: no byte of the file was sent.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("the upstream's page lists", body);
        Assert.DoesNotContain("the bytes of", body);
        Assert.Empty(CachedFiles(proxy));
        Assert.Contains(proxy.Logs.Messages(), static m => m.Contains("the upstream's page lists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Within_the_ttl_the_page_comes_from_the_cache_without_asking_the_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream, null, "--Upstream:PageTtl", "01:00:00");

        await JsonPageAsync(proxy);
        upstream.AddFile(Project, "fake_proj-2.0-py3-none-any.whl");
        var again = await JsonPageAsync(proxy);

        Assert.Equal(1, upstream.HitsOn($"/simple/{Project}/"));
        Assert.Equal([Wheel], FileNames(again));
    }

    [Fact]
    public async Task Past_the_ttl_the_page_is_revalidated_with_its_etag_and_a_change_shows()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream, null, "--Upstream:PageTtl", "00:00:00");

        var first = await JsonPageAsync(proxy);
        var second = await JsonPageAsync(proxy);
        upstream.AddFile(Project, "fake_proj-2.0-py3-none-any.whl");
        var third = await JsonPageAsync(proxy);

        Assert.Equal(FileNames(first), FileNames(second));
        Assert.Equal(1, upstream.NotModified); // the second fetch was a conditional request answered 304
        Assert.Equal(["fake_proj-1.0-py3-none-any.whl", "fake_proj-2.0-py3-none-any.whl"], FileNames(third));
        Assert.Equal(["1.0", "2.0"], third.GetProperty("versions").EnumerateArray().Select(static v => v.GetString()));
    }

    [Theory]
    [InlineData(FakeUpstream.Behaviour.ServerError)]
    [InlineData(FakeUpstream.Behaviour.Garbage)]
    [InlineData(FakeUpstream.Behaviour.Hang)]
    public async Task When_the_upstream_fails_the_last_good_page_and_cached_files_are_served_with_a_log_line(FakeUpstream.Behaviour behaviour)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream, null, "--Upstream:PageTtl", "00:00:00");
        await JsonPageAsync(proxy);
        await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}");
        upstream.Pages = behaviour;

        var page = await JsonPageAsync(proxy);
        var file = await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}");

        Assert.Equal([Wheel], FileNames(page));
        Assert.Equal(bytes, file);
        Assert.Contains(proxy.Logs.Messages(), static m => m.Contains("serving the copy fetched at", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FakeUpstream.Behaviour.ServerError, "answered 500")]
    [InlineData(FakeUpstream.Behaviour.Garbage, "not a simple index page")]
    [InlineData(FakeUpstream.Behaviour.Hang, "did not answer within")]
    public async Task A_never_seen_project_while_the_upstream_fails_is_a_404_that_says_why(FakeUpstream.Behaviour behaviour, string reason)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        upstream.Pages = behaviour;
        await using var proxy = await StartProxyAsync(upstream);

        using var response = await proxy.Client.GetAsync($"simple/{Project}/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_project_the_upstream_does_not_have_is_a_plain_404()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var proxy = await StartProxyAsync(upstream);

        using var response = await proxy.Client.GetAsync("simple/nowhere/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("or by the upstream index", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cached_files_and_pages_are_served_after_the_upstream_is_gone_even_across_a_restart()
    {
        var cache = TempDirectory.Create("upstream-cache");
        var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile(Project, Wheel);
        await using (var proxy = await StartProxyAsync(upstream, cache, "--Upstream:PageTtl", "00:00:00"))
        {
            await JsonPageAsync(proxy);
            Assert.Equal(bytes, await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}"));
        }

        await upstream.DisposeAsync();
        await using var restarted = await StartProxyAsync(upstream, cache, "--Upstream:PageTtl", "00:00:00");

        Assert.Equal([Wheel], FileNames(await JsonPageAsync(restarted)));
        Assert.Equal(bytes, await restarted.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}"));
    }

    [Theory]
    [InlineData("upstream/fake-proj/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("upstream/fake-proj/%2E%2E")]
    [InlineData("upstream/fake-proj/.hidden")]
    [InlineData("upstream/Fake_Proj/fake_proj-1.0-py3-none-any.whl")]
    [InlineData("upstream/fake-proj/fake_proj-9.9-py3-none-any.whl")]
    [InlineData("upstream/fake-proj/fake_proj-1.0-py3-none-any.whl%00")]
    [InlineData("upstream/..%2Fpackages/fake_proj-1.0-py3-none-any.whl")]
    public async Task Bad_file_paths_get_a_4xx_and_write_nothing(string path)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream);

        using var response = await proxy.Client.GetAsync(path);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(0, upstream.HitsOn("/files/" + Wheel));
        Assert.Empty(CachedFiles(proxy));
    }

    [Theory]
    [InlineData(true, WheelPublishOutcome.Conflict)]
    [InlineData(false, WheelPublishOutcome.Published)]
    public async Task A_built_wheel_never_takes_a_name_the_upstream_serves_with_other_bytes(bool upstreamBytesDiffer, WheelPublishOutcome expected)
    {
        const string name = "pf_pure-1.0-py2.py3-none-any.whl";
        var built = await File.ReadAllBytesAsync(DistFixtures.Path(name));
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile("pf-pure", name, upstreamBytesDiffer ? [.. built, 0] : built);
        await using var proxy = await StartProxyAsync(upstream);
        Assert.True(WheelTag.TryParse("py3-none-any", out var tag));
        var target = new TargetTags("py3-none-any", [tag!]);

        var published = await proxy.Services.GetRequiredService<WheelPublisher>().PublishAsync(target, DistFixtures.Path(name), CancellationToken.None);

        Assert.True(expected == published.Outcome, published.Detail);
        Assert.Equal(expected == WheelPublishOutcome.Published, File.Exists(Path.Combine(proxy.Root, name)));
        if (upstreamBytesDiffer)
        {
            Assert.Contains("serves a different file under this name", published.Detail);
        }
    }

    [Fact]
    public async Task An_upstream_that_only_speaks_html_is_read_and_served_in_both_formats()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile(Project, Wheel);
        upstream.AddFile(Project, "fake_proj-0.9-py3-none-any.whl");
        upstream.HtmlOnly = true;
        await using var proxy = await StartProxyAsync(upstream);

        var page = await JsonPageAsync(proxy);
        var html = await proxy.Client.GetStringAsync($"simple/{Project}/?format=html");

        Assert.Equal(["fake_proj-0.9-py3-none-any.whl", Wheel], FileNames(page));
        var file = page.GetProperty("files").EnumerateArray().Single(static f => f.GetProperty("filename").GetString() == Wheel);
        Assert.Equal(FakeUpstream.Sha256(bytes), file.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Equal(">=3.7", file.GetProperty("requires-python").GetString());
        Assert.False(file.TryGetProperty("size", out _)); // an HTML page does not say; nothing is invented
        Assert.Contains("data-requires-python=\"&gt;=3.7\"", html);
        Assert.Equal(bytes, await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}"));
    }

    // Reads a body that may be cut off by the server; returns what arrived, or null when nothing did.
    private static async Task<byte[]?> ReadOrFailAsync(ServerHost proxy, string path)
    {
        try
        {
            using var response = await proxy.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync();
            using var copy = new MemoryStream();
            try
            {
                await stream.CopyToAsync(copy);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return copy.ToArray().Length == 0 ? null : copy.ToArray();
            }

            return copy.ToArray();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
