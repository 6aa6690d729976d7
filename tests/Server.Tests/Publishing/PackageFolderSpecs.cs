using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Publishing;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Publishing;

/// <summary>The one writer of the package folder: stages while hashing, commits by a rename under the caller's rule,
/// hands the catalog what it knows, and never leaves a partial file behind.</summary>
public sealed class PackageFolderSpecs : IAsyncLifetime
{
    private readonly string dist = TempDirectory.Create("folder-dist");
    private FolderParts parts = null!;

    public async Task InitializeAsync() => parts = await FolderParts.StartAsync(TempDirectory.Create("folder-root"));

    public async Task DisposeAsync()
    {
        await parts.DisposeAsync();
        TempDirectory.Delete(dist);
    }

    [Fact]
    public async Task Staging_writes_a_hidden_file_in_the_root_and_hashes_it_on_the_way()
    {
        var wheel = TestDists.Wheel(dist, "pf-stage", "1.0");

        using var staged = await parts.Folder.StageCopyAsync(wheel, CancellationToken.None);

        Assert.Equal(Path.GetDirectoryName(staged.TempPath), parts.Root);
        Assert.Matches(PackageFolder.TempFileName(), Path.GetFileName(staged.TempPath));
        Assert.Equal("pf_stage-1.0-py3-none-any.whl", staged.FileName);
        Assert.Equal(new FileInfo(wheel).Length, staged.Length);
        Assert.Equal(Sha256(wheel), staged.Sha256);
        Assert.Empty(parts.Catalog.Current.FilesByPath);
    }

    [Fact]
    public async Task A_commit_serves_the_file_at_once_with_the_digest_and_metadata_it_was_handed()
    {
        var wheel = TestDists.Wheel(dist, "pf-commit", "1.0", requiresPython: ">=3.9");
        using var copy = await parts.Folder.StageCopyAsync(wheel, CancellationToken.None);
        // The digest is taken as handed over, not computed again: a made-up one shows that nothing re-reads the file.
        var handed = new string('a', 64);
        using var staged = new StagedFile(copy.TempPath, copy.FileName, copy.Length, handed);

        var result = await parts.Folder.CommitAsync(staged, staged.FileName, CommitRule.NoOverwrite, Metadata(wheel), uploader: null, CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        Assert.Equal(handed, result.Served?.Sha256);
        Assert.Equal(">=3.9", result.Served?.RequiresPython);
        Assert.True(parts.Catalog.TryGetFile("pf_commit-1.0-py3-none-any.whl", out var served));
        Assert.Equal(handed, served.Sha256);
        Assert.Equal(["pf_commit-1.0-py3-none-any.whl"], parts.FilesInRoot());
        Assert.Equal(await File.ReadAllBytesAsync(wheel), await File.ReadAllBytesAsync(Path.Combine(parts.Root, staged.FileName)));
    }

    [Fact]
    public async Task No_overwrite_leaves_a_taken_name_alone_and_reports_what_is_there()
    {
        var first = TestDists.Wheel(Path.Combine(dist, "a"), "pf-taken", "1.0", metadata: TestDists.Metadata("pf-taken", "1.0", extra: "Summary: first\n"));
        var second = TestDists.Wheel(Path.Combine(dist, "b"), "pf-taken", "1.0", metadata: TestDists.Metadata("pf-taken", "1.0", extra: "Summary: second\n"));
        File.Copy(first, Path.Combine(parts.Root, Path.GetFileName(first)));
        using var staged = await parts.Folder.StageCopyAsync(second, CancellationToken.None);

        var result = await parts.Folder.CommitAsync(staged, staged.FileName, CommitRule.NoOverwrite, Metadata(second), uploader: null, CancellationToken.None);
        staged.Dispose();

        Assert.Equal(CommitOutcome.NameTaken, result.Outcome);
        Assert.Equal(Sha256(first), result.Served?.Sha256);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(Path.Combine(parts.Root, staged.FileName)));
        Assert.Equal([staged.FileName], parts.FilesInRoot());
    }

    [Fact]
    public async Task Replace_swaps_the_bytes_atomically_and_records_the_uploader_unyanked()
    {
        var first = TestDists.Wheel(Path.Combine(dist, "a"), "pf-replace", "1.0rc1", metadata: TestDists.Metadata("pf-replace", "1.0rc1", extra: "Summary: first\n"));
        var second = TestDists.Wheel(Path.Combine(dist, "b"), "pf-replace", "1.0rc1", metadata: TestDists.Metadata("pf-replace", "1.0rc1", extra: "Summary: second\n"));
        using (var staged = await parts.Folder.StageCopyAsync(first, CancellationToken.None))
        {
            await parts.Folder.CommitAsync(staged, staged.FileName, CommitRule.NoOverwrite, Metadata(first), "alice", CancellationToken.None);
        }

        var name = Path.GetFileName(first);
        Assert.True(await parts.Writer.SetYankedAsync([name], "broken", CancellationToken.None));
        using var replacement = await parts.Folder.StageCopyAsync(second, CancellationToken.None);

        var result = await parts.Folder.CommitAsync(replacement, name, CommitRule.Replace, Metadata(second), "bob", CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, result.Outcome);
        Assert.Equal(Sha256(second), result.Served?.Sha256);
        Assert.Equal("bob", result.Served?.UploadedBy);
        Assert.Equal(parts.Time.GetUtcNow(), result.Served?.UploadTime);
        Assert.False(result.Served?.IsYanked);
        Assert.Equal(await File.ReadAllBytesAsync(second), await File.ReadAllBytesAsync(Path.Combine(parts.Root, name)));
        Assert.Equal([name], parts.FilesInRoot());
    }

    [Fact]
    public async Task Delete_takes_the_file_out_of_the_folder_and_the_index()
    {
        var wheel = TestDists.Wheel(dist, "pf-delete", "1.0");
        using (var staged = await parts.Folder.StageCopyAsync(wheel, CancellationToken.None))
        {
            await parts.Folder.CommitAsync(staged, staged.FileName, CommitRule.NoOverwrite, Metadata(wheel), null, CancellationToken.None);
        }

        Assert.True(parts.Catalog.TryGetFile("pf_delete-1.0-py3-none-any.whl", out var served));

        await parts.Folder.DeleteAsync([served], CancellationToken.None);

        Assert.False(parts.Catalog.TryGetFile("pf_delete-1.0-py3-none-any.whl", out _));
        Assert.Empty(parts.FilesInRoot());
    }

    [Fact]
    public async Task A_staging_that_fails_midway_leaves_no_file()
    {
        await using (var staging = parts.Folder.BeginStage("pf_half-1.0-py3-none-any.whl"))
        {
            await staging.WriteAsync(new byte[1000], CancellationToken.None);
            Assert.Single(parts.FilesInRoot());
        }

        Assert.Empty(parts.FilesInRoot());
    }

    [Fact]
    public async Task A_cancelled_staging_leaves_no_file()
    {
        var wheel = TestDists.Wheel(dist, "pf-cancel", "1.0");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parts.Folder.StageCopyAsync(wheel, cancelled.Token));

        Assert.Empty(parts.FilesInRoot());
    }

    [Fact]
    public async Task A_staged_file_that_is_not_committed_is_removed_when_disposed()
    {
        var wheel = TestDists.Wheel(dist, "pf-discard", "1.0");

        using (await parts.Folder.StageCopyAsync(wheel, CancellationToken.None))
        {
            Assert.Single(parts.FilesInRoot());
        }

        Assert.Empty(parts.FilesInRoot());
    }

    [Fact]
    public async Task A_built_wheel_whose_METADATA_version_contradicts_its_file_name_is_rejected_and_leaves_nothing()
    {
        // Named 1.0, but its METADATA says 9.0: the catalog would refuse it, so the publisher must not report it published.
        var lying = TestDists.Wheel(dist, "pf-lying", "1.0", metadata: "Metadata-Version: 2.1\nName: pf-lying\nVersion: 9.0\n");
        Assert.True(WheelTag.TryParse("py3-none-any", out var tag));
        var target = new TargetTags("py3-none-any", [tag]);

        var result = await parts.Publisher.PublishAsync(target, lying, CancellationToken.None);

        Assert.Equal(WheelPublishOutcome.Rejected, result.Outcome);
        Assert.Contains("says version '9.0', but the file name says '1.0'", result.Detail, StringComparison.Ordinal);
        Assert.Equal(Sha256(lying), result.Sha256);
        Assert.Empty(parts.FilesInRoot());
        Assert.Empty(parts.Catalog.Current.FilesByPath);
    }

    private static ArchiveMetadata Metadata(string path)
    {
        Assert.True(DistributionFilename.TryParse(Path.GetFileName(path), out var name));
        using var stream = File.OpenRead(path);
        return ArchiveMetadata.Read(stream, name);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
