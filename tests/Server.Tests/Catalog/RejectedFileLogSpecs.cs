using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Catalog;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>A file left out of the index is warned about once per reason, however often it is read while it changes.</summary>
public sealed class RejectedFileLogSpecs
{
    private const string FileName = "slowcopy-1.0-py3-none-any.whl";

    [Fact]
    public async Task A_broken_file_copied_in_slowly_is_warned_about_once_and_again_only_when_the_reason_changes()
    {
        await using var server = await ServerHost.StartAsync();
        var synchronizer = server.Services.GetRequiredService<CatalogSynchronizer>();
        var path = Path.Combine(server.Root, FileName);

        // Each chunk is read as a writer's refresh would (the watcher reads it too after Catalog:SettleDelay of quiet).
        for (var chunk = 0; chunk < 3; chunk++)
        {
            await using (var file = new FileStream(path, FileMode.Append))
            {
                await file.WriteAsync(new byte[1000].Select((_, i) => (byte)(i * 7 + chunk)).ToArray());
            }

            await synchronizer.RefreshAsync(path, CancellationToken.None);
            await Task.Delay(300); // longer than Catalog:SettleDelay: the watcher's reads happen too
        }

        var whileCopying = Warnings(server);
        var elsewhere = TempDirectory.Create("slowcopy");
        File.Copy(TestDists.Wheel(elsewhere, "slowcopy", "1.0"), path + ".part");
        TempDirectory.Delete(elsewhere);
        using (var zip = System.IO.Compression.ZipFile.Open(path + ".part", System.IO.Compression.ZipArchiveMode.Update))
        {
            zip.Entries.Single(static e => e.FullName.EndsWith(".dist-info/METADATA", StringComparison.Ordinal)).Delete();
        }

        File.Move(path + ".part", path, overwrite: true);
        await synchronizer.RefreshAsync(path, CancellationToken.None);
        await synchronizer.RefreshAsync(path, CancellationToken.None);

        Assert.Single(whileCopying);
        Assert.Contains("not a valid zip archive", whileCopying[0], StringComparison.Ordinal);
        var afterReplacing = Warnings(server);
        Assert.Equal(2, afterReplacing.Count);
        Assert.Contains("METADATA", afterReplacing[1], StringComparison.Ordinal);
    }

    private static List<string> Warnings(ServerHost server) =>
        [.. server.Logs.Messages(LogLevel.Warning).Where(static m => m.Contains("Left " + FileName, StringComparison.Ordinal))];
}
