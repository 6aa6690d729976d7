using PypiForge.Packaging;
using PypiForge.Server.Publishing;
using PypiForge.Server.Tests.Publishing;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>The catalog writer: a committed file is served at once; <c>catalog.json</c> is saved batched, off the
/// request, and at shutdown; a yank is on disk before it is acknowledged.</summary>
public sealed class CatalogWriterSpecs : IAsyncLifetime
{
    private readonly string dist = TempDirectory.Create("writer-dist");
    private FolderParts parts = null!;

    public async Task InitializeAsync()
    {
        parts = await FolderParts.StartAsync(TempDirectory.Create("writer-root"));
        File.Delete(parts.StateFile); // the start-up load saved once; what follows is the writer's own
    }

    public async Task DisposeAsync()
    {
        await parts.DisposeAsync();
        TempDirectory.Delete(dist);
    }

    [Fact]
    public async Task A_burst_of_commits_is_served_at_once_and_saved_once_a_little_later()
    {
        foreach (var version in new[] { "1.0", "1.1", "1.2" })
        {
            await CommitAsync("pf-burst", version, "alice");
        }

        Assert.Equal(3, parts.Catalog.Current.FileCount);
        Assert.False(File.Exists(parts.StateFile));

        parts.Time.Advance(TimeSpan.FromSeconds(2));

        var saved = await File.ReadAllTextAsync(parts.StateFile);
        Assert.Contains("pf_burst-1.0-py3-none-any.whl", saved, StringComparison.Ordinal);
        Assert.Contains("pf_burst-1.2-py3-none-any.whl", saved, StringComparison.Ordinal);
        Assert.Contains("\"alice\"", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_yank_is_on_disk_when_it_is_acknowledged()
    {
        await CommitAsync("pf-yank", "1.0", null);

        Assert.True(await parts.Writer.SetYankedAsync(["pf_yank-1.0-py3-none-any.whl"], "broken", CancellationToken.None));

        Assert.Contains("broken", await File.ReadAllTextAsync(parts.StateFile), StringComparison.Ordinal);
        Assert.True(parts.Catalog.TryGetFile("pf_yank-1.0-py3-none-any.whl", out var file) && file.Yanked == "broken");
    }

    [Fact]
    public async Task A_yank_of_a_file_that_is_not_served_changes_nothing()
    {
        await CommitAsync("pf-yank", "1.0", null);

        Assert.False(await parts.Writer.SetYankedAsync(["pf_yank-1.0-py3-none-any.whl", "nope-1.0-py3-none-any.whl"], "x", CancellationToken.None));

        Assert.True(parts.Catalog.TryGetFile("pf_yank-1.0-py3-none-any.whl", out var file) && !file.IsYanked);
    }

    [Fact]
    public async Task Pending_changes_are_saved_at_shutdown()
    {
        await CommitAsync("pf-stop", "1.0", "carol");
        Assert.False(File.Exists(parts.StateFile));

        await parts.StopAsync();

        Assert.Contains("carol", await File.ReadAllTextAsync(parts.StateFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removal_is_served_at_once_and_saved_later()
    {
        await CommitAsync("pf-gone", "1.0", null);
        parts.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(parts.Catalog.TryGetFile("pf_gone-1.0-py3-none-any.whl", out var file));
        File.Delete(parts.StateFile);

        await parts.Folder.DeleteAsync([file], CancellationToken.None);

        Assert.Equal(0, parts.Catalog.Current.FileCount);
        Assert.False(File.Exists(parts.StateFile));
        parts.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("pf_gone", await File.ReadAllTextAsync(parts.StateFile), StringComparison.Ordinal);
    }

    private async Task CommitAsync(string project, string version, string? uploader)
    {
        var wheel = TestDists.Wheel(dist, project, version);
        Assert.True(DistributionFilename.TryParse(Path.GetFileName(wheel), out var name));
        ArchiveMetadata metadata;
        await using (var stream = File.OpenRead(wheel))
        {
            metadata = ArchiveMetadata.Read(stream, name);
        }

        using var staged = await parts.Folder.StageCopyAsync(wheel, CancellationToken.None);
        var result = await parts.Folder.CommitAsync(staged, staged.FileName, CommitRule.NoOverwrite, metadata, uploader, CancellationToken.None);
        Assert.Equal(CommitOutcome.Committed, result.Outcome);
    }
}
