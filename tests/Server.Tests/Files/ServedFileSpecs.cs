using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using PypiForge.Server.Files;
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

    // Each way of refusing links, on real files: openat2 (the default here), open + readlink of the descriptor (kernels
    // or containers without openat2), checks by path (no /proc). One server cannot be made to take the other two.
    [Theory]
    [InlineData("Openat2")]
    [InlineData("OpenAndReadlink")]
    [InlineData("ByPath")]
    public async Task Every_way_of_opening_refuses_the_same_things(string way)
    {
        var method = Enum.Parse<ServedFile.Method>(way);
        var root = Path.Combine(parent, "by-" + method);
        var real = Path.Combine(parent, "real-" + method);
        Directory.CreateDirectory(Path.Combine(real, "sub"));
        Directory.CreateSymbolicLink(root, real);
        var size = WriteFile(Path.Combine(real, "sub", "plain.whl"), "plain bytes");
        WriteFile(Path.Combine(real, "sub", "grown.whl"), "grown bytes and more");
        Directory.CreateDirectory(Path.Combine(real, "sub", "folder.whl"));
        File.CreateSymbolicLink(Path.Combine(real, "sub", "link.whl"), Path.Combine(real, "sub", "plain.whl"));
        Directory.CreateSymbolicLink(Path.Combine(real, "linked"), Path.Combine(real, "sub"));
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(real, "sub", "fifo.whl")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        ServedFile.Refusal Open(string path)
        {
            var refusal = ServedFile.TryOpen(root, path, size, method, out var handle);
            Assert.Equal(refusal == ServedFile.Refusal.None, handle is not null);
            handle?.Dispose();
            return refusal;
        }

        var opened = ServedFile.TryOpen(root, "sub/plain.whl", size, method, out var plain);
        await using (var stream = new PackageFileStream(plain!, size))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal("plain bytes", System.Text.Encoding.UTF8.GetString(copy.ToArray()));
        }

        Assert.Equal(ServedFile.Refusal.None, opened);
        Assert.Equal(ServedFile.Refusal.Linked, Open("sub/link.whl"));
        Assert.Equal(ServedFile.Refusal.Linked, Open("linked/plain.whl"));
        Assert.Equal(ServedFile.Refusal.Changed, Open("sub/grown.whl"));
        Assert.Equal(ServedFile.Refusal.Changed, Open("sub/folder.whl"));
        Assert.Equal(ServedFile.Refusal.Changed, Open("sub/fifo.whl"));
        Assert.Equal(ServedFile.Refusal.Missing, Open("sub/gone.whl"));
        Assert.Equal(ServedFile.Refusal.Missing, Open("nowhere/plain.whl"));
    }

    private static long WriteFile(string path, string text)
    {
        File.WriteAllText(path, text);
        return new FileInfo(path).Length;
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
