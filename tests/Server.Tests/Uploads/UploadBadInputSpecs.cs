using System.Net;
using System.Net.Sockets;
using System.Text;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>Every bad form of an upload gets the right 4xx with a reason, and leaves nothing in the root (no file, no
/// temp file). The server trusts loopback here (a fresh install), so these are about the input, not credentials.</summary>
public sealed class UploadBadInputSpecs : IAsyncLifetime
{
    private ServerHost server = null!;
    private string folder = null!;

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("bad-uploads");
        server = await ServerHost.StartAsync(null, "--Uploads:MaxUploadBytes", "65536");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(folder);
    }

    public static TheoryData<string, string?, string?, string> BadFields => new()
    {
        // field, value (null removes it), content file name override, expected reason
        { ":action", null, null, "Missing :action" },
        { ":action", "submit", null, "Unknown :action" },
        { "name", null, null, "Missing name" },
        { "version", null, null, "Missing version" },
        { "filetype", null, null, "Missing filetype" },
        { "filetype", "bdist_wininst", null, "Invalid filetype" },
        { "filetype", "sdist", null, "Invalid filetype" },
        { "name", "other-project", null, "Filename does not match name and version" },
        { "version", "9.9", null, "Filename does not match name and version" },
        { "sha256_digest", new string('0', 64), null, "sha256_digest does not match" },
        { "md5_digest", new string('a', 32), null, "md5_digest does not match" },
        { "blake2_256_digest", new string('b', 64), null, "blake2_256_digest does not match" },
        { "name", "pf-dep", "../pf_dep-1.0-py2.py3-none-any.whl", "Invalid filename" },
        { "name", "pf-dep", "/tmp/pf_dep-1.0-py2.py3-none-any.whl", "Invalid filename" },
        { "name", "pf-dep", "sub/pf_dep-1.0-py2.py3-none-any.whl", "Invalid filename" },
        { "name", "pf-dep", "..\\pf_dep-1.0-py2.py3-none-any.whl", "Invalid filename" },
        { "name", "pf-dep", ".pf_dep-1.0-py2.py3-none-any.whl", "Invalid filename" },
        { "name", "pf-dep", "pf_dep-1.0.exe", "Invalid filename" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_refused_with_its_reason_and_nothing_is_kept(string field, string? value, string? fileName, string reason)
    {
        var form = UploadClient.Form(DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl"), "pf-dep", "1.0", fileName,
            new Dictionary<string, string?> { [field] = value });

        using var response = await UploadClient.PostAsync(server.Client, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, response.ReasonPhrase);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_bogus_wheel_is_refused()
    {
        var bogus = Path.Combine(folder, "pf_bogus-1.0-py3-none-any.whl");
        await File.WriteAllBytesAsync(bogus, Encoding.ASCII.GetBytes("this is not a zip archive at all"));

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(bogus, "pf-bogus", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid wheel", response.ReasonPhrase);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_wheel_whose_METADATA_names_another_project_is_refused()
    {
        var wheel = TestDists.Wheel(folder, "pf_named", "1.0", metadata: TestDists.Metadata("something-else", "1.0"));

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(wheel, "pf-named", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid wheel", response.ReasonPhrase);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_corrupt_sdist_is_refused()
    {
        var sdist = Path.Combine(folder, "pf_corrupt-1.0.tar.gz");
        await File.WriteAllBytesAsync(sdist, [0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]);

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(sdist, "pf-corrupt", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid sdist", response.ReasonPhrase);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_form_without_a_file_is_refused()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("file_upload"), "\":action\"" },
            { new StringContent("pf-dep"), "\"name\"" },
            { new StringContent("1.0"), "\"version\"" },
        };

        using var response = await UploadClient.PostAsync(server.Client, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("No file", response.ReasonPhrase);
    }

    [Theory]
    [InlineData("application/json", "{\"name\": \"x\"}", "Expected multipart/form-data")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upl", "Malformed multipart body")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nNo-Disposition: here\r\n\r\nvalue\r\n--XYZ--\r\n", "Malformed multipart body")]
    [InlineData("multipart/form-data", "--XYZ--\r\n", "Malformed multipart body")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n--XYZ\r\nContent-Disposition: form-data; name=\"content\"; filename=\"pf_dep-1.0-py3-none-any.whl\0.txt\"\r\n\r\nPK\r\n--XYZ--\r\n", "Invalid filename")]
    public async Task A_malformed_body_is_refused(string contentType, string body, string reason)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await UploadClient.PostAsync(server.Client, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, response.ReasonPhrase);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_gets_413_and_leaves_nothing()
    {
        var big = TestDists.Wheel(folder, "pf_big", "1.0", metadata: TestDists.Metadata("pf-big", "1.0", extra: "Keywords: " + RandomText(200_000) + "\n"));

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(big, "pf-big", "1.0"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_streamed_upload_without_length_over_the_limit_gets_413_and_leaves_no_temp_file()
    {
        var big = TestDists.Wheel(folder, "pf_big", "1.0", metadata: TestDists.Metadata("pf-big", "1.0", extra: "Keywords: " + RandomText(200_000) + "\n"));
        var form = UploadClient.Form(big, "pf-big", "1.0");
        using var chunked = new StreamContent(await form.ReadAsStreamAsync());
        chunked.Headers.ContentType = form.Headers.ContentType;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_upload_leaves_nothing_behind()
    {
        var form = UploadClient.Form(DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl"), "pf-dep", "1.0");
        var body = await form.ReadAsByteArrayAsync();
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
            var stream = socket.GetStream();
            var head = $"POST / HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\nContent-Type: {form.Headers.ContentType}\r\nContent-Length: {body.Length + 10_000}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body.AsMemory(0, body.Length - 200));
            await stream.FlushAsync();
            await Task.Delay(300);
        }

        // The server notices the reset and deletes its temp file; give it a bounded moment.
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(UploadClient.FilesIn(server.Root).Length == 0), TimeSpan.FromSeconds(10)),
            "left behind: " + string.Join(", ", UploadClient.FilesIn(server.Root)));
        Assert.False(File.Exists(Path.Combine(server.Root, "pf_dep-1.0-py2.py3-none-any.whl")));
    }

    private static string RandomText(int length) =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length))[..length];
}
