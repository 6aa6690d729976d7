using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Files;

/// <summary>Downloads open the file themselves (one open that refuses links and never waits, the kernel's name of
/// the open file, its type and size): whatever was put in a served file's place after the catalog saw it is refused
/// at once with a 404 that says why, before the watcher has caught up; large files and ranges come back whole.</summary>
public sealed class ServedFileSpecs : IAsyncLifetime
{
    private const string Wheel = "moved-1.0-py3-none-any.whl";
    private string parent = null!;
    private string folder = null!;
    private ServerHost server = null!;

    public async Task InitializeAsync()
    {
        parent = TempDirectory.Create("served");
        folder = Path.Combine(parent, "root", "moved");
        TestDists.Wheel(folder, "moved", "1.0");
        TestDists.Wheel(Path.Combine(parent, "elsewhere"), "moved", "1.0", requiresPython: ">=3.99");
        var payload = Convert.ToHexString(RandomNumberGenerator.GetBytes(300_000));
        TestDists.Sdist(Path.Combine(parent, "root"), "big-1.0", "big", "1.0", files: new Dictionary<string, string> { ["data.txt"] = payload });
        server = await ServerHost.StartAsync(Path.Combine(parent, "root"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(parent);
    }

    [Fact]
    public async Task A_file_larger_than_one_read_comes_back_whole_and_in_ranges_across_reads()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(parent, "root", "big-1.0.tar.gz"));
        Assert.True(bytes.Length > 3 * 65536, $"the fixture is only {bytes.Length} bytes");

        var whole = await server.Client.GetByteArrayAsync("packages/big-1.0.tar.gz");
        using var request = new HttpRequestMessage(HttpMethod.Get, "packages/big-1.0.tar.gz");
        request.Headers.Range = new RangeHeaderValue(65_000, 140_000);
        using var range = await server.Client.SendAsync(request);
        using var tailRequest = new HttpRequestMessage(HttpMethod.Get, "packages/big-1.0.tar.gz");
        tailRequest.Headers.Range = new RangeHeaderValue(null, 1000);
        using var tail = await server.Client.SendAsync(tailRequest);

        Assert.Equal(bytes, whole);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(bytes[65_000..140_001], await range.Content.ReadAsByteArrayAsync());
        Assert.Equal(bytes[^1000..], await tail.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_folder_swapped_for_a_link_is_refused_at_once()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"packages/moved/{Wheel}")).StatusCode);

        Directory.Move(folder, folder + "-old");
        Directory.CreateSymbolicLink(folder, Path.Combine(parent, "elsewhere"));
        using var response = await server.Client.GetAsync($"packages/moved/{Wheel}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("linked folder", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_changed_size_is_not_served_under_its_old_digest()
    {
        await File.AppendAllTextAsync(Path.Combine(folder, Wheel), "appended");
        using var response = await server.Client.GetAsync($"packages/moved/{Wheel}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("changed since it was indexed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_or_a_folder_in_a_files_place_is_refused_without_waiting()
    {
        var path = Path.Combine(folder, Wheel);
        File.Delete(path);
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for reading waits for a writer unless told not to: the request would hang.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var fifo = await server.Client.GetAsync($"packages/moved/{Wheel}", timeout.Token);
        File.Delete(path);
        Directory.CreateDirectory(path);
        using var directory = await server.Client.GetAsync($"packages/moved/{Wheel}", timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, fifo.StatusCode);
        Assert.Contains("changed since it was indexed", await fifo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, directory.StatusCode);
    }

    [Fact]
    public async Task A_removed_file_is_a_404_that_says_so()
    {
        File.Delete(Path.Combine(folder, Wheel));
        using var response = await server.Client.GetAsync($"packages/moved/{Wheel}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("removed from the package folder", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
