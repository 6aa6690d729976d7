using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>What a server killed mid-write left behind is removed at the next start, and only that: files whose names
/// merely look alike are someone else's and stay.</summary>
public sealed class LeftoverCleanupSpecs
{
    private const string Hex = "0123456789abcdef0123456789abcdef";
    private const string Sha = "aa23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task A_start_removes_temp_uploads_publishes_spools_and_partial_downloads_and_keeps_look_alikes()
    {
        var root = TempDirectory.Create("leftovers");
        try
        {
            var state = Path.Combine(root, ".pypiforge");
            var spool = Path.Combine(state, "agent-uploads", Hex);
            var files = Path.Combine(state, "upstream", "files", "aa");
            var pages = Path.Combine(state, "upstream", "pages");
            Directory.CreateDirectory(spool);
            Directory.CreateDirectory(files);
            Directory.CreateDirectory(pages);
            string[] ours =
            [
                Path.Combine(root, $".upload-{Hex}.tmp"),
                Path.Combine(root, $".incoming-{Hex}.tmp"),
                Path.Combine(spool, "pf_x-1.0-py3-none-any.whl"),
                Path.Combine(files, $"{Sha}.{Hex}.part"),
                Path.Combine(pages, $"flask.json.{Hex}.tmp"),
            ];
            string[] theirs =
            [
                Path.Combine(root, ".upload-draft.tmp"),
                Path.Combine(root, $"notes.upload-{Hex}.tmp"),
                Path.Combine(root, "sub", $".upload-{Hex}.tmp"),
                Path.Combine(state, "agent-uploads", "keep-me", "file.txt"),
                Path.Combine(files, "readme.part"),
                Path.Combine(files, Sha),
            ];
            foreach (var path in ours.Concat(theirs))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, "left behind");
            }

            await using var server = await ServerHost.StartAsync(root);

            Assert.All(ours, path => Assert.False(File.Exists(path), path + " was left"));
            Assert.False(Directory.Exists(spool));
            Assert.All(theirs, path => Assert.True(File.Exists(path), path + " was removed"));
            var messages = server.Logs.Messages().ToList();
            Assert.Contains(messages, m => m.Contains("Removed 1 upload temp files from " + root, StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("Removed 1 wheels being published", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("Removed 1 remote-agent wheel spools", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("Removed 1 partial upstream downloads", StringComparison.Ordinal));
        }
        finally
        {
            TempDirectory.Delete(root);
        }
    }
}
