using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Files;

public sealed partial class PackageFileSpecs : IAsyncLifetime
{
    private const string WheelName = "demo-1.0-py3-none-any.whl";
    private ServerHost server = null!;
    private byte[] wheel = [];
    private string outside = null!;

    public async Task InitializeAsync()
    {
        // A secret next to the root (and with the root's name as a prefix) that no URL may reach.
        var parent = TempDirectory.Create("pkgfiles");
        var root = Path.Combine(parent, "root");
        outside = Path.Combine(parent, "root-secret");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.whl"), "TOP SECRET");
        File.WriteAllText(Path.Combine(parent, "secret.whl"), "TOP SECRET");
        wheel = File.ReadAllBytes(TestDists.Wheel(root, "demo", "1.0", requiresPython: ">=3.7"));
        server = await ServerHost.StartAsync(root);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(Path.GetDirectoryName(server.Root)!);
    }

    [Fact]
    public async Task Download_has_type_length_etag_last_modified_ranges_and_immutable_caching()
    {
        using var response = await server.Client.GetAsync("packages/" + WheelName);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(wheel, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(wheel.Length, response.Content.Headers.ContentLength);
        Assert.Equal($"\"{Sha256(wheel)}\"", response.Headers.ETag!.Tag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Head_has_the_length_and_no_body()
    {
        using var response = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "packages/" + WheelName));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(wheel.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Range_gives_206_with_the_slice()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "packages/" + WheelName);
        request.Headers.Range = new RangeHeaderValue(10, 19);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(wheel[10..20], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 10-19/{wheel.Length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Unsatisfiable_range_gives_416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "packages/" + WheelName);
        request.Headers.Range = new RangeHeaderValue(wheel.Length + 10, wheel.Length + 20);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
    }

    [Fact]
    public async Task If_none_match_gives_304()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "packages/" + WheelName);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{Sha256(wheel)}\""));
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_file_is_the_exact_METADATA_and_matches_the_advertised_hash()
    {
        using var page = await server.Client.GetAsync("simple/demo/");
        var advertised = CoreMetadataAttribute().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;

        using var response = await server.Client.GetAsync("packages/" + WheelName + ".metadata");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestDists.Metadata("demo", "1.0", ">=3.7"), Encoding.UTF8.GetString(bytes));
        Assert.Equal(advertised, Sha256(bytes));
    }

    [Theory]
    [InlineData("packages/nothing-1.0-py3-none-any.whl")]
    [InlineData("packages/")]
    [InlineData("packages/demo-1.0.tar.gz.metadata")]
    public async Task Unknown_files_are_404(string path)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/packages/../root-secret/secret.whl")]
    [InlineData("/packages/..%2Froot-secret%2Fsecret.whl")]
    [InlineData("/packages/%2e%2e/root-secret/secret.whl")]
    [InlineData("/packages/%2E%2E%2F%2E%2E%2Fsecret.whl")]
    [InlineData("/packages/..%5Csecret.whl")]
    [InlineData("/packages/..\\secret.whl")]
    [InlineData("/packages/%2Ftmp%2Fsecret.whl")]
    [InlineData("/packages//etc/passwd")]
    [InlineData("/packages/%00secret.whl")]
    [InlineData("/packages/demo-1.0-py3-none-any.whl%00.txt")]
    [InlineData("/packages/....//....//secret.whl")]
    [InlineData("/packages/.pypiforge/catalog.json")]
    [InlineData("/packages/%2epypiforge/catalog.json")]
    public async Task Traversal_in_any_spelling_never_leaves_the_catalog(string rawPath)
    {
        var (status, body) = await RawGetAsync(rawPath);
        Assert.True(status is 400 or 404, $"{rawPath} answered {status}");
        Assert.DoesNotContain("TOP SECRET", body);
        Assert.DoesNotContain("\"files\"", body);
    }

    [Fact]
    public async Task Over_long_paths_are_rejected()
    {
        var (status, _) = await RawGetAsync("/packages/" + new string('a', 2000) + ".whl");
        Assert.True(status is 400 or 414, $"answered {status}");
        var (tooLong, _) = await RawGetAsync("/packages/" + new string('a', 9000));
        Assert.Equal(414, tooLong);
    }

    // HttpClient normalizes dot segments and escapes; a raw socket sends exactly what an attacker would.
    private async Task<(int Status, string Body)> RawGetAsync(string rawPath)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        await using var stream = client.GetStream();
        var request = $"GET {rawPath} HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync();
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [GeneratedRegex("data-core-metadata=\"sha256=([0-9a-f]{64})\"")]
    private static partial Regex CoreMetadataAttribute();
}
