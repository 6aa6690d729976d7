using System.Net;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>A real wheel whose zip headers understate METADATA's size would have a cut METADATA served (ZipArchive
/// stops at the stated size): it is refused with the reason, and nothing is kept.</summary>
public sealed class UploadLyingZipSpecs : IAsyncLifetime
{
    private const string WheelName = "pf_pure-1.0-py2.py3-none-any.whl";

    private ServerHost server = null!;
    private string folder = null!;

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("lying-zip-uploads");
        server = await ServerHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(folder);
    }

    [Fact]
    public async Task A_wheel_whose_zip_understates_METADATA_s_size_is_refused_and_nothing_is_kept()
    {
        var wheel = Path.Combine(folder, WheelName);
        File.Copy(DistFixtures.Path(WheelName), wheel);
        ZipPatch.SetStatedSize(wheel, "pf_pure-1.0.dist-info/METADATA", size => size - 40);

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(wheel, "pf-pure", "1.0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid wheel", response.ReasonPhrase);
        Assert.Contains("METADATA's stored size or CRC does not match its data", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task The_same_wheel_with_true_headers_is_accepted()
    {
        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(DistFixtures.Path(WheelName), "pf-pure", "1.0"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(UploadClient.FilesIn(server.Root), p => p.EndsWith(WheelName, StringComparison.Ordinal));
    }
}
