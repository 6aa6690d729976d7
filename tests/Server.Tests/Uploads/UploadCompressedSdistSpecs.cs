using System.Net;
using System.Text.Json;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>.tar.xz and .tar.bz2 sdists are opened like .tar.gz: one made by GNU tar or Python's tarfile is accepted
/// and indexed with its PKG-INFO's metadata; bytes that are not the named format are refused with the reason, and
/// nothing is kept.</summary>
public sealed class UploadCompressedSdistSpecs : IAsyncLifetime
{
    private ServerHost server = null!;
    private string folder = null!;

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("compressed-sdist-uploads");
        server = await ServerHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(folder);
    }

    [Theory]
    [InlineData("tar -cJf", ".tar.xz")]
    [InlineData("tar -cjf", ".tar.bz2")]
    [InlineData("tarfile w:xz", ".tar.xz")]
    [InlineData("tarfile w:bz2", ".tar.bz2")]
    public async Task An_sdist_made_by_a_real_tool_is_accepted_and_indexed_with_its_metadata(string tool, string extension)
    {
        var sdist = await TestDists.CompressedSdistAsync(folder, "pf-packed-1.0", extension, tool, "pf-packed", "1.0", requiresPython: ">=3.9");

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(sdist, "pf-packed", "1.0"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = await server.Client.GetAsync("simple/pf-packed/?format=json");
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("pf-packed-1.0" + extension, file.GetProperty("filename").GetString());
        Assert.Equal(">=3.9", file.GetProperty("requires-python").GetString());
    }

    [Theory]
    [InlineData("random bytes", ".tar.xz", "not a valid tar.xz archive")]
    [InlineData("random bytes", ".tar.bz2", "not a valid tar.bz2 archive")]
    [InlineData("a tar.gz", ".tar.xz", "not a valid tar.xz archive")]
    [InlineData("a tar.gz", ".tar.bz2", "not a valid tar.bz2 archive")]
    public async Task Bytes_that_are_not_the_named_format_are_refused_and_nothing_is_kept(string what, string extension, string reason)
    {
        var path = Path.Combine(folder, "pf-packed-1.0" + extension);
        if (what == "random bytes")
        {
            var bytes = new byte[4096];
            new Random(8).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }
        else
        {
            File.Copy(TestDists.Sdist(folder, "pf-packed-1.0", "pf-packed", "1.0"), path);
        }

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(path, "pf-packed", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid sdist", response.ReasonPhrase);
        Assert.Contains($"'pf-packed-1.0{extension}' cannot be read as a sdist: {reason}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }
}
