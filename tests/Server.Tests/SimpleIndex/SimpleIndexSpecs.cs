using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.SimpleIndex;

public sealed class SimpleIndexSpecs : IAsyncLifetime
{
    private const string Json = "application/vnd.pypi.simple.v1+json";
    private ServerHost server = null!;

    public async Task InitializeAsync()
    {
        var root = TempDirectory.Create("index");
        TestDists.Wheel(root, "Dotted.Name_Pkg", "1.0", requiresPython: ">=3.8,<4");
        TestDists.Wheel(Path.Combine(root, "sub", "dir"), "Dotted.Name_Pkg", "2.0rc1", tags: "py2.py3-none-any");
        TestDists.Sdist(root, "dotted_name_pkg-1.0", "Dotted.Name_Pkg", "1.0", requiresPython: ">=3.8,<4");
        TestDists.Wheel(root, "other", "0.1");
        server = await ServerHost.StartAsync(root);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(server.Root);
    }

    [Fact]
    public async Task Root_lists_every_project_in_html_with_the_repository_version()
    {
        using var response = await server.Client.GetAsync("simple/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<meta name=\"pypi:repository-version\" content=\"1.1\">", html);
        Assert.Contains("<a href=\"dotted-name-pkg/\">Dotted.Name_Pkg</a>", html);
        Assert.Contains("<a href=\"other/\">other</a>", html);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task Root_in_json_has_meta_and_projects()
    {
        using var json = await GetJsonAsync("simple/");
        Assert.Equal("1.1", json.RootElement.GetProperty("meta").GetProperty("api-version").GetString());
        var names = json.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Dotted.Name_Pkg", "other"], names);
    }

    [Fact]
    public async Task Project_page_in_html_links_every_file_with_hash_metadata_and_requires_python_escaped_once()
    {
        using var response = await server.Client.GetAsync("simple/dotted-name-pkg/");
        var html = await response.Content.ReadAsStringAsync();
        var wheel = Path.Combine(server.Root, "Dotted_Name_Pkg-1.0-py3-none-any.whl");
        var sha = Sha256(File.ReadAllBytes(wheel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<title>Links for Dotted.Name_Pkg</title>", html);
        Assert.Contains($"href=\"../../packages/Dotted_Name_Pkg-1.0-py3-none-any.whl#sha256={sha}\"", html);
        Assert.Contains("data-requires-python=\"&gt;=3.8,&lt;4\"", html);
        Assert.DoesNotContain("&amp;gt;", html);
        Assert.Matches("data-dist-info-metadata=\"sha256=[0-9a-f]{64}\" data-core-metadata=\"sha256=[0-9a-f]{64}\">Dotted_Name_Pkg-1.0-py3-none-any.whl<", html);
        Assert.Contains("href=\"../../packages/sub/dir/Dotted_Name_Pkg-2.0rc1-py2.py3-none-any.whl#sha256=", html);
        Assert.Matches("dotted_name_pkg-1.0.tar.gz#sha256=[0-9a-f]{64}\" data-requires-python=\"&gt;=3.8,&lt;4\">", html);
        Assert.DoesNotMatch("dotted_name_pkg-1.0.tar.gz#[^>]*data-core-metadata", html);
    }

    [Fact]
    public async Task Project_page_in_json_has_every_field_api_version_1_1_requires()
    {
        using var json = await GetJsonAsync("simple/dotted-name-pkg/");
        var root = json.RootElement;
        Assert.Equal("1.1", root.GetProperty("meta").GetProperty("api-version").GetString());
        Assert.Equal("dotted-name-pkg", root.GetProperty("name").GetString());
        Assert.Equal(["1.0", "2.0rc1"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));

        var files = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("filename").GetString()!);
        var wheel = files["Dotted_Name_Pkg-1.0-py3-none-any.whl"];
        var bytes = File.ReadAllBytes(Path.Combine(server.Root, "Dotted_Name_Pkg-1.0-py3-none-any.whl"));
        Assert.Equal("../../packages/Dotted_Name_Pkg-1.0-py3-none-any.whl", wheel.GetProperty("url").GetString());
        Assert.Equal(Sha256(bytes), wheel.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Equal(">=3.8,<4", wheel.GetProperty("requires-python").GetString());
        Assert.Matches("^[0-9a-f]{64}$", wheel.GetProperty("core-metadata").GetProperty("sha256").GetString());
        Assert.False(wheel.TryGetProperty("dist-info-metadata", out _));
        Assert.False(wheel.GetProperty("yanked").GetBoolean());
        Assert.Equal(bytes.Length, wheel.GetProperty("size").GetInt64());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", wheel.GetProperty("upload-time").GetString());

        var sdist = files["dotted_name_pkg-1.0.tar.gz"];
        Assert.False(sdist.GetProperty("core-metadata").GetBoolean());
        Assert.Equal("../../packages/sub/dir/Dotted_Name_Pkg-2.0rc1-py2.py3-none-any.whl", files["Dotted_Name_Pkg-2.0rc1-py2.py3-none-any.whl"].GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("simple", "/simple/")]
    [InlineData("simple/other", "/simple/other/")]
    [InlineData("simple/Dotted.Name_Pkg/", "/simple/dotted-name-pkg/")]
    [InlineData("simple/DOTTED--name__pkg", "/simple/dotted-name-pkg/")]
    [InlineData("simple/Other/?format=json", "/simple/other/?format=json")]
    public async Task Non_canonical_urls_redirect_permanently(string path, string location)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Unknown_project_is_404_with_a_reason()
    {
        using var response = await server.Client.GetAsync("simple/not-here/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not-here", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("simple/-leading-dash/")]
    [InlineData("simple/has%20space/")]
    [InlineData("simple/%C3%A9t%C3%A9/")]
    public async Task Invalid_project_names_are_400(string path)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("PEP 508", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_long_project_name_is_400()
    {
        using var response = await server.Client.GetAsync("simple/" + new string('a', 201) + "/");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Over_long_headers_are_rejected_with_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "simple/");
        request.Headers.Add("X-Padding", new string('x', 40 * 1024));
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("simple/", "application/json")]
    [InlineData("simple/other/", "image/png")]
    [InlineData("simple/other/?format=yaml", null)]
    public async Task Unacceptable_accept_is_406_naming_what_is_offered(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("application/vnd.pypi.simple.v1+json", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html")]
    [InlineData("application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.v1+json")]
    [InlineData("application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json")]
    public async Task Versioned_media_types_are_answered_with_the_exact_content_type(string accept, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "simple/other/");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Pages_carry_a_strong_etag_and_answer_304_to_if_none_match()
    {
        using var first = await server.Client.GetAsync("simple/other/");
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal(TimeSpan.Zero, first.Headers.CacheControl!.MaxAge);
        Assert.True(first.Headers.CacheControl.MustRevalidate);

        using var request = new HttpRequestMessage(HttpMethod.Get, "simple/other/");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());

        using var json = new HttpRequestMessage(HttpMethod.Get, "simple/other/?format=json");
        json.Headers.IfNoneMatch.Add(etag);
        using var third = await server.Client.SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.NotEqual(etag, third.Headers.ETag);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Pages_are_compressed_when_the_client_asks(string encoding)
    {
        using var plain = await server.Client.GetAsync("simple/dotted-name-pkg/");
        var expected = await plain.Content.ReadAsByteArrayAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "simple/dotted-name-pkg/");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        await using var compressed = await response.Content.ReadAsStreamAsync();
        await using Stream decoder = encoding == "br" ? new BrotliStream(compressed, CompressionMode.Decompress) : new GZipStream(compressed, CompressionMode.Decompress);
        using var output = new MemoryStream();
        await decoder.CopyToAsync(output);
        Assert.Equal(expected, output.ToArray());
        Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task Head_gives_the_headers_of_get_without_a_body()
    {
        using var get = await server.Client.GetAsync("simple/other/");
        using var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "simple/other/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", Json);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Json, response.Content.Headers.ContentType!.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
