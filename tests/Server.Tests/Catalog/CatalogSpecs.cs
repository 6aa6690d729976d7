using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Catalog;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

public sealed class CatalogSpecs
{
    [Fact]
    public async Task Hidden_temporary_and_foreign_files_are_not_served()
    {
        var root = TempDirectory.Create("ignored");
        TestDists.Wheel(root, "shown", "1.0");
        TestDists.Wheel(Path.Combine(root, ".hidden"), "secret", "1.0");
        File.Copy(TestDists.Wheel(root, "partial", "1.0"), Path.Combine(root, "partial-2.0-py3-none-any.whl.part"));
        File.Move(Path.Combine(root, "partial-1.0-py3-none-any.whl"), Path.Combine(root, ".partial-1.0-py3-none-any.whl"));
        File.WriteAllText(Path.Combine(root, "README.txt"), "not a distribution");
        File.WriteAllText(Path.Combine(root, "notes.whl.tmp"), "upload in progress");
        await using var server = await ServerHost.StartAsync(root);

        var listing = await server.Client.GetStringAsync("simple/");
        Assert.Contains("shown/", listing);
        Assert.DoesNotContain("secret", listing);
        Assert.DoesNotContain("partial", listing);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("packages/.hidden/secret-1.0-py3-none-any.whl")).StatusCode);
    }

    [Theory]
    [InlineData("python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2")]
    [InlineData("foo-bar-1.0.tar.gz", "foo-bar", "1.0")]
    [InlineData("pytz-2023.3.post1.tar.gz", "pytz", "2023.3.post1")]
    [InlineData("Django-1.11.29.zip", "django", "1.11.29")]
    [InlineData("legacy-0.9.tar.bz2", "legacy", "0.9")]
    [InlineData("old-1.0.tgz", "old", "1.0")]
    [InlineData("xzed-1.0.tar.xz", "xzed", "1.0")]
    [InlineData("eggy-1.0-py2.7.egg", "eggy", "1.0")]
    public async Task Legacy_and_ambiguous_filenames_land_in_the_right_project(string fileName, string project, string version)
    {
        var root = TempDirectory.Create("legacy");
        await WriteEmptyArchiveAsync(Path.Combine(root, fileName));
        await using var server = await ServerHost.StartAsync(root);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/?format=json");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([version], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(fileName, json.RootElement.GetProperty("files")[0].GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Corrupt_wheels_are_left_out_logged_once_and_never_break_a_page()
    {
        var root = TempDirectory.Create("corrupt");
        TestDists.Wheel(root, "mixed", "1.0");
        File.WriteAllText(Path.Combine(root, "mixed-2.0-py3-none-any.whl"), "this is not a zip");
        WriteZip(Path.Combine(root, "mixed-3.0-py3-none-any.whl"), ("mixed/__init__.py", new byte[10]));
        WriteZip(Path.Combine(root, "mixed-4.0-py3-none-any.whl"), ("mixed-4.0.dist-info/METADATA", new byte[64 * 1024 * 1024]));
        TestDists.Wheel(Path.Combine(root, "liar"), "mixed", "5.0", metadata: TestDists.Metadata("somebody-else", "5.0"));
        TestDists.Wheel(Path.Combine(root, "liar2"), "mixed", "6.0", metadata: TestDists.Metadata("mixed", "6.1"));
        File.WriteAllText(Path.Combine(root, "mixed-7.0.tar.gz"), "not gzip either");

        await using var server = await ServerHost.StartAsync(root);
        using var page = await server.Client.GetAsync("simple/mixed/?format=json");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal(["1.0"], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));

        var warnings = server.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        Assert.Contains(warnings, m => m.Contains("mixed-2.0-py3-none-any.whl", StringComparison.Ordinal) && m.Contains("zip", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(warnings, m => m.Contains("mixed-3.0", StringComparison.Ordinal) && m.Contains("METADATA", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("mixed-4.0", StringComparison.Ordinal) && m.Contains("larger", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(warnings, m => m.Contains("liar/", StringComparison.Ordinal) && m.Contains("somebody-else", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("liar2/", StringComparison.Ordinal) && m.Contains("6.1", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("mixed-7.0.tar.gz", StringComparison.Ordinal));

        var health = await server.Client.GetStringAsync("health");
        Assert.Contains("\"rejected\":6", health);

        // A restart remembers the verdicts: nothing is read or logged again until the file changes.
        await server.DisposeAsync();
        await using var again = await ServerHost.StartAsync(root);
        Assert.DoesNotContain(again.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning), m => m.Contains("mixed-", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await again.Client.GetAsync("simple/mixed/")).StatusCode);
    }

    [Fact]
    public async Task Files_named_like_distributions_but_unparseable_are_logged_once_and_left_out()
    {
        var root = TempDirectory.Create("badnames");
        TestDists.Wheel(root, "good", "1.0");
        File.Copy(Path.Combine(root, "good-1.0-py3-none-any.whl"), Path.Combine(root, "not_a_wheel.whl"));
        File.WriteAllText(Path.Combine(root, "noversion.tar.gz"), "x");

        await using (var server = await ServerHost.StartAsync(root))
        {
            var warnings = server.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
            Assert.Single(warnings, m => m.Contains("not_a_wheel.whl", StringComparison.Ordinal) && m.Contains("PEP 427", StringComparison.Ordinal));
            Assert.Single(warnings, m => m.Contains("noversion.tar.gz", StringComparison.Ordinal));
            Assert.Contains("\"rejected\":2", await server.Client.GetStringAsync("health"));
            Assert.Contains("good/", await server.Client.GetStringAsync("simple/"));
        }

        await using var again = await ServerHost.StartAsync(root);
        Assert.DoesNotContain(again.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning), m => m.Contains("not_a_wheel", StringComparison.Ordinal));
        Assert.Contains("\"rejected\":2", await again.Client.GetStringAsync("health"));
    }

    [Fact]
    public async Task A_dropped_file_is_served_without_restart_and_a_removed_one_disappears()
    {
        await using var server = await ServerHost.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("simple/dropped/")).StatusCode);

        // Written elsewhere and moved in, as `cp` then `mv` or an upload would.
        var staging = TempDirectory.Create("staging");
        var made = TestDists.Wheel(staging, "dropped", "1.0");
        Directory.CreateDirectory(Path.Combine(server.Root, "later"));
        File.Move(made, Path.Combine(server.Root, "later", Path.GetFileName(made)));
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetAsync("simple/dropped/")).StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("packages/later/dropped-1.0-py3-none-any.whl")).StatusCode);

        File.Delete(Path.Combine(server.Root, "later", "dropped-1.0-py3-none-any.whl"));
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetAsync("simple/dropped/")).StatusCode == HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_file_copied_slowly_in_place_is_served_once_complete()
    {
        await using var server = await ServerHost.StartAsync();
        var bytes = File.ReadAllBytes(TestDists.Wheel(TempDirectory.Create("slow"), "slowcopy", "1.0"));
        var target = Path.Combine(server.Root, "slowcopy-1.0-py3-none-any.whl");
        await using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            await Task.Delay(600);
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetAsync("simple/slowcopy/")).StatusCode == HttpStatusCode.OK));
        Assert.Equal(bytes, await server.Client.GetByteArrayAsync("packages/slowcopy-1.0-py3-none-any.whl"));
    }

    [Fact]
    public async Task A_whole_folder_moved_in_is_served()
    {
        await using var server = await ServerHost.StartAsync();
        var staging = TempDirectory.Create("folder");
        TestDists.Wheel(Path.Combine(staging, "batch"), "batch-a", "1.0");
        TestDists.Wheel(Path.Combine(staging, "batch"), "batch-b", "1.0");
        Directory.Move(Path.Combine(staging, "batch"), Path.Combine(server.Root, "batch"));

        Assert.True(await ServerHost.EventuallyAsync(async () =>
            (await server.Client.GetAsync("simple/batch-a/")).StatusCode == HttpStatusCode.OK
            && (await server.Client.GetAsync("simple/batch-b/")).StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Restart_reuses_persisted_hashes_and_metadata()
    {
        var root = TempDirectory.Create("restart");
        for (var i = 0; i < 20; i++)
        {
            TestDists.Wheel(root, $"proj{i}", "1.0");
        }

        string firstPage;
        await using (var first = await ServerHost.StartAsync(root))
        {
            Assert.Contains(first.Logs.Messages(), m => m.Contains("20 inspected, 0 reused", StringComparison.Ordinal));
            firstPage = await first.Client.GetStringAsync("simple/proj3/");
        }

        await using var second = await ServerHost.StartAsync(root);
        Assert.Contains(second.Logs.Messages(), m => m.Contains("0 inspected, 20 reused", StringComparison.Ordinal));
        Assert.Equal(firstPage, await second.Client.GetStringAsync("simple/proj3/"));
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("packages/proj3-1.0-py3-none-any.whl.metadata")).StatusCode);
    }

    [Fact]
    public async Task The_metadata_pack_is_compacted_at_start_when_most_of_it_belongs_to_removed_files()
    {
        var root = TempDirectory.Create("compact");
        var description = new string('x', 64 * 1024) + "\n";
        for (var i = 0; i < 20; i++)
        {
            TestDists.Wheel(root, $"big{i}", "1.0", metadata: TestDists.Metadata($"big{i}", "1.0") + description);
        }

        var pack = Path.Combine(root, ".pypiforge", "metadata.pack");
        await using (await ServerHost.StartAsync(root))
        {
        }

        var before = new FileInfo(pack).Length;
        for (var i = 0; i < 15; i++)
        {
            File.Delete(Path.Combine(root, $"big{i}-1.0-py3-none-any.whl"));
        }

        await using var server = await ServerHost.StartAsync(root);
        Assert.True(new FileInfo(pack).Length < before / 2, $"pack is {new FileInfo(pack).Length} bytes, was {before}");
        var expected = TestDists.Metadata("big17", "1.0") + description;
        Assert.Equal(expected, await server.Client.GetStringAsync("packages/big17-1.0-py3-none-any.whl.metadata"));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("packages/big3-1.0-py3-none-any.whl.metadata")).StatusCode);
    }

    [Fact]
    public async Task A_file_changed_while_stopped_is_hashed_again()
    {
        var root = TempDirectory.Create("changed");
        var path = TestDists.Wheel(root, "changing", "1.0", requiresPython: ">=3.6");
        await using (await ServerHost.StartAsync(root))
        {
        }

        File.Delete(path);
        TestDists.Wheel(root, "changing", "1.0", requiresPython: ">=3.10");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await using var server = await ServerHost.StartAsync(root);
        Assert.Contains("&gt;=3.10", await server.Client.GetStringAsync("simple/changing/"));
    }

    [Fact]
    public async Task Yank_state_is_served_in_both_formats_and_survives_a_restart()
    {
        var root = TempDirectory.Create("yank");
        TestDists.Wheel(root, "yanky", "1.0");
        TestDists.Wheel(root, "yanky", "2.0");
        await using (var server = await ServerHost.StartAsync(root))
        {
            var sync = server.Services.GetRequiredService<CatalogWriter>();
            Assert.True(await sync.SetYankedAsync(["yanky-2.0-py3-none-any.whl"], "broken <build> & more", CancellationToken.None));
            Assert.True(await sync.SetYankedAsync(["yanky-1.0-py3-none-any.whl"], string.Empty, CancellationToken.None));
            Assert.False(await sync.SetYankedAsync(["nope-1.0-py3-none-any.whl"], "x", CancellationToken.None));
        }

        await using var again = await ServerHost.StartAsync(root);
        var html = await again.Client.GetStringAsync("simple/yanky/");
        Assert.Contains("data-yanked=\"broken &lt;build&gt; &amp; more\">yanky-2.0", html);
        Assert.Contains("data-yanked=\"\">yanky-1.0", html);
        using var json = JsonDocument.Parse(await again.Client.GetStringAsync("simple/yanky/?format=json"));
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("filename").GetString()!, f => f.GetProperty("yanked"));
        Assert.Equal("broken <build> & more", files["yanky-2.0-py3-none-any.whl"].GetString());
        Assert.True(files["yanky-1.0-py3-none-any.whl"].GetBoolean());
    }

    private static void WriteZip(string path, params (string Name, byte[] Content)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            stream.Write(content);
        }
    }

    // Archives with no PKG-INFO: the catalog serves them by filename alone.
    // An archive of the named format holding one file and no metadata: the name alone places it.
    private static async Task WriteEmptyArchiveAsync(string path)
    {
        if (path.EndsWith(".tar.xz", StringComparison.Ordinal) || path.EndsWith(".tar.bz2", StringComparison.Ordinal))
        {
            var sources = TempDirectory.Create("empty-archive");
            Directory.CreateDirectory(Path.Combine(sources, "x"));
            await File.WriteAllTextAsync(Path.Combine(sources, "x", "readme.txt"), "hi");
            var flags = path.EndsWith(".tar.xz", StringComparison.Ordinal) ? "-cJf" : "-cjf";
            var result = await PythonClient.RunAsync("tar", [flags, path, "x/readme.txt"], sources);
            TempDirectory.Delete(sources);
            Assert.True(result.ExitCode == 0, result.ToString());
            return;
        }

        using var memory = new MemoryStream();
        if (path.EndsWith(".zip", StringComparison.Ordinal) || path.EndsWith(".egg", StringComparison.Ordinal))
        {
            using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            {
                TestDists.Add(zip, "readme.txt", "hello");
            }
        }
        else
        {
            using var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true);
            using var tar = new System.Formats.Tar.TarWriter(gzip);
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "x/readme.txt") { DataStream = new MemoryStream("hi"u8.ToArray()) });
        }

        await File.WriteAllBytesAsync(path, memory.ToArray());
    }
}
