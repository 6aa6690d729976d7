using System.IO.Compression;
using System.Net;
using PypiForge.Packaging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>A wheel with more zip entries than the server opens is refused with the limit in the reason, before
/// the archive is materialised, and leaves nothing in the root; one at the limit is accepted.</summary>
public sealed class UploadZipLimitSpecs : IAsyncLifetime
{
    private ServerHost server = null!;
    private string folder = null!;

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("zip-limit-uploads");
        server = await ServerHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(folder);
    }

    [Fact]
    public async Task A_wheel_with_more_entries_than_the_limit_is_refused_and_nothing_is_kept()
    {
        var wheel = WheelWithEntries("pf_many", DistributionArchive.MaxZipEntries + 1);

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(wheel, "pf-many", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid wheel", response.ReasonPhrase);
        Assert.Contains($"at most {DistributionArchive.MaxZipEntries} entries are accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task A_wheel_with_as_many_entries_as_the_limit_is_accepted()
    {
        var wheel = WheelWithEntries("pf_full", DistributionArchive.MaxZipEntries);

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(wheel, "pf-full", "1.0"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(UploadClient.FilesIn(server.Root), p => p.EndsWith("pf_full-1.0-py3-none-any.whl", StringComparison.Ordinal));
    }

    /// <summary>A valid wheel padded with empty modules up to <paramref name="entries"/> zip entries in all.</summary>
    private string WheelWithEntries(string distName, int entries)
    {
        var path = Path.Combine(folder, $"{distName}-1.0-py3-none-any.whl");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var distInfo = $"{distName}-1.0.dist-info";
        TestDists.Add(zip, $"{distInfo}/METADATA", TestDists.Metadata(distName.Replace('_', '-'), "1.0"));
        TestDists.Add(zip, $"{distInfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        TestDists.Add(zip, $"{distInfo}/RECORD", string.Empty);
        for (var i = 3; i < entries; i++)
            zip.CreateEntry($"{distName}/m{i}.py", CompressionLevel.NoCompression);

        return path;
    }
}
