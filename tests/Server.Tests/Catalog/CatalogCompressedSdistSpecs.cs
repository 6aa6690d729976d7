using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>Dropped .tar.xz and .tar.bz2 sdists are read like .tar.gz: a real one is indexed with its PKG-INFO's
/// metadata, one that is not the named format is left out with a logged reason.</summary>
public sealed class CatalogCompressedSdistSpecs
{
    [Fact]
    public async Task Dropped_xz_and_bzip2_sdists_are_indexed_with_their_metadata_and_broken_ones_left_out()
    {
        var root = TempDirectory.Create("compressed-sdists");
        await TestDists.CompressedSdistAsync(root, "packed-1.0", ".tar.xz", "tar -cJf", "packed", "1.0", requiresPython: ">=3.9");
        await TestDists.CompressedSdistAsync(root, "packed-2.0", ".tar.bz2", "tarfile w:bz2", "packed", "2.0", requiresPython: ">=3.10");
        File.Copy(TestDists.Sdist(Path.Combine(root, "gz"), "packed-3.0", "packed", "3.0"), Path.Combine(root, "packed-3.0.tar.xz"));
        Directory.Delete(Path.Combine(root, "gz"), recursive: true);

        await using var server = await ServerHost.StartAsync(root);
        using var page = await server.Client.GetAsync("simple/packed/?format=json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        var files = json.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("filename").GetString()!, f => f.GetProperty("requires-python").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["packed-1.0.tar.xz"] = ">=3.9", ["packed-2.0.tar.bz2"] = ">=3.10" }, files);
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m =>
            m.Contains("packed-3.0.tar.xz", StringComparison.Ordinal)
            && m.Contains("not a valid tar.xz archive", StringComparison.Ordinal));
    }
}
