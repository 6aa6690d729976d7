using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>A dropped wheel whose zip headers misstate METADATA's size is left out with a logged reason, instead of
/// being served with a cut METADATA; the project's other files are still served.</summary>
public sealed class CatalogLyingZipSpecs
{
    [Fact]
    public async Task A_dropped_wheel_whose_zip_misstates_METADATA_s_size_is_left_out_with_a_logged_reason()
    {
        var root = TempDirectory.Create("lying-zip");
        TestDists.Wheel(root, "liar", "1.0", requiresPython: ">=3.8");
        var lying = TestDists.Wheel(root, "liar", "2.0", requiresPython: ">=3.8");
        ZipPatch.SetStatedSize(lying, "liar-2.0.dist-info/METADATA", size => size - 30);

        await using var server = await ServerHost.StartAsync(root);
        using var page = await server.Client.GetAsync("simple/liar/?format=json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal(["1.0"], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m =>
            m.Contains("liar-2.0-py3-none-any.whl", StringComparison.Ordinal)
            && m.Contains("METADATA's stored size or CRC does not match its data", StringComparison.Ordinal));
    }
}
