using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Tests.Support;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>A hostile upstream page cannot make the proxy fetch from anywhere it likes: file URLs, redirects and the
/// addresses names resolve to are held to the upstream's own host and <c>Upstream:FileHosts</c>. Every other server
/// here is on loopback, like the internal services such a page would aim at.</summary>
public sealed class UpstreamFileHostSpecs
{
    private const string Project = "fake-proj";
    private const string Wheel = "fake_proj-1.0-py3-none-any.whl";
    private const string Elsewhere = "fake_proj-2.0-py3-none-any.whl";

    private static Task<ServerHost> StartProxyAsync(FakeUpstream upstream, params string[] more) =>
        ServerHost.StartAsync(null, ["--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:02",
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), .. more]);

    private static async Task<string[]> FileNamesAsync(ServerHost proxy)
    {
        using var response = await proxy.Client.GetAsync($"simple/{Project}/?format=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. page.GetProperty("files").EnumerateArray().Select(static f => f.GetProperty("filename").GetString()!)];
    }

    private static string[] CachedFiles(ServerHost proxy)
    {
        var folder = proxy.Services.GetRequiredService<UpstreamPaths>().FilesDirectory;
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    private static string Authority(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task A_file_listed_at_another_loopback_port_is_neither_offered_nor_fetched()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var other = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        var bytes = other.AddFile(Project, Elsewhere);
        upstream.AddLink(Project, Elsewhere, $"{Authority(other.BaseUri)}/files/{Elsewhere}", bytes);
        await using var proxy = await StartProxyAsync(upstream);

        var offered = await FileNamesAsync(proxy);
        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Elsewhere}");
        using var metadata = await proxy.Client.GetAsync($"upstream/{Project}/{Elsewhere}.metadata");

        Assert.Equal([Wheel], offered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Upstream:FileHosts", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, metadata.StatusCode);
        Assert.Empty(other.Hits);
        Assert.Contains(proxy.Logs.Messages(), static m => m.Contains("left out of its page", StringComparison.Ordinal) && m.Contains("Upstream:FileHosts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_link_to_this_servers_own_dashboard_is_neither_offered_nor_fetched()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Wheel);
        await using var proxy = await StartProxyAsync(upstream);
        upstream.AddLink(Project, Elsewhere, new Uri(proxy.BaseUri, "hangfire/" + Elsewhere).ToString(), [1, 2, 3]);

        var offered = await FileNamesAsync(proxy);
        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Elsewhere}");

        Assert.Equal([Wheel], offered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, proxy.Services.GetRequiredService<UpstreamFileCache>().UpstreamFetches);
    }

    [Fact]
    public async Task A_redirect_to_a_host_that_is_not_allowed_is_not_followed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var other = await FakeUpstream.StartAsync();
        var bytes = other.AddFile(Project, Wheel);
        upstream.AddLink(Project, Wheel, "../../moved/" + Wheel, bytes);
        upstream.Redirect("/moved/" + Wheel, $"{Authority(other.BaseUri)}/files/{Wheel}");
        await using var proxy = await StartProxyAsync(upstream);

        var offered = await FileNamesAsync(proxy);
        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Wheel}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal([Wheel], offered); // the page's own URL is on the upstream's host
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("redirects to", body);
        Assert.Contains("Upstream:FileHosts", body);
        Assert.Equal(1, upstream.HitsOn("/moved/" + Wheel));
        Assert.Empty(other.Hits);
        Assert.Empty(CachedFiles(proxy));
    }

    [Fact]
    public async Task A_redirect_within_the_upstreams_own_host_is_followed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var bytes = upstream.AddFile("other-proj", Wheel);
        upstream.AddLink(Project, Wheel, "../../moved/" + Wheel, bytes);
        upstream.Redirect("/moved/" + Wheel, $"{Authority(upstream.BaseUri)}/files/{Wheel}");
        await using var proxy = await StartProxyAsync(upstream);
        await FileNamesAsync(proxy);

        Assert.Equal(bytes, await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Wheel}"));
        Assert.Equal(1, upstream.HitsOn("/files/" + Wheel));
    }

    [Fact]
    public async Task Upstream_FileHosts_lets_a_listed_address_and_port_through()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var other = await FakeUpstream.StartAsync();
        var bytes = other.AddFile(Project, Elsewhere);
        upstream.AddLink(Project, Elsewhere, $"{Authority(other.BaseUri)}/files/{Elsewhere}", bytes);
        await using var proxy = await StartProxyAsync(upstream, "--Upstream:FileHosts", $"files.pythonhosted.org, 127.0.0.1:{other.BaseUri.Port}");

        var offered = await FileNamesAsync(proxy);
        var served = await proxy.Client.GetByteArrayAsync($"upstream/{Project}/{Elsewhere}");

        Assert.Equal([Elsewhere], offered);
        Assert.Equal(bytes, served);
        Assert.Equal(1, other.HitsOn("/files/" + Elsewhere));
    }

    [Fact]
    public async Task A_listed_name_that_resolves_to_loopback_is_not_connected_to()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var other = await FakeUpstream.StartAsync();
        var bytes = other.AddFile(Project, Elsewhere);
        upstream.AddLink(Project, Elsewhere, $"http://localhost:{other.BaseUri.Port}/files/{Elsewhere}", bytes);
        await using var proxy = await StartProxyAsync(upstream, "--Upstream:FileHosts", $"localhost:{other.BaseUri.Port}");

        var offered = await FileNamesAsync(proxy);
        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Elsewhere}");

        Assert.Equal([Elsewhere], offered); // the name is listed...
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // ...but it resolves to loopback, which is not
        Assert.Contains("a loopback address", await response.Content.ReadAsStringAsync());
        Assert.Empty(other.Hits);
        Assert.Empty(CachedFiles(proxy));
    }

    [Theory]
    [InlineData("files.example.org:99999")]
    [InlineData("10.0.0.1/8")]
    [InlineData("https://files.example.org/")]
    public async Task A_bad_Upstream_FileHosts_entry_stops_start_up_naming_the_key(string entry)
    {
        var work = TempDirectory.Create("badconfig");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Upstream:FileHosts", $"files.pythonhosted.org {entry}"], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite Upstream:FileHosts " + entry);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains($"Upstream:FileHosts has '{entry}'", server.Output);
        Assert.DoesNotContain("   at ", server.Output);
    }
}
