using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PypiForge.Packaging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>A dropped wheel with more zip entries than the server opens is left out with the limit in the logged
/// reason; the project's other files are still served.</summary>
public sealed class CatalogZipLimitSpecs
{
    [Fact]
    public async Task A_dropped_wheel_with_too_many_entries_is_left_out_with_a_logged_reason()
    {
        var root = TempDirectory.Create("zip-limit");
        TestDists.Wheel(root, "crowded", "1.0");
        var big = TestDists.Wheel(Path.Combine(root, "big"), "crowded", "2.0");
        using (var zip = ZipFile.Open(big, ZipArchiveMode.Update))
        {
            for (var i = 0; i < DistributionArchive.MaxZipEntries; i++)
                zip.CreateEntry($"crowded/m{i}.py", CompressionLevel.NoCompression);
        }

        await using var server = await ServerHost.StartAsync(root);
        using var page = await server.Client.GetAsync("simple/crowded/?format=json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal(["1.0"], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m =>
            m.Contains("crowded-2.0-py3-none-any.whl", StringComparison.Ordinal)
            && m.Contains($"at most {DistributionArchive.MaxZipEntries} entries are accepted", StringComparison.Ordinal));
    }
}
