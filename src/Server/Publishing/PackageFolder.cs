using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Publishing;

/// <summary>The one writer of the package folder, for uploads, built wheels and package management. Bytes are staged
/// under a hidden name in the root (its file system, so the commit is a rename) while they are hashed; a commit moves
/// them into place atomically under the caller's rule and hands the catalog the digest and metadata the caller already
/// has, so nothing is read twice. A failure or a cancellation leaves no partial file in the folder.</summary>
public sealed partial class PackageFolder(
    IOptions<CatalogOptions> options,
    PackageCatalog catalog,
    CatalogWriter writer,
    CatalogSynchronizer synchronizer,
    TimeProvider time)
{
    private readonly string root = options.Value.RootPath;

    public string Root => root;

    /// <summary>Starts staging the bytes of <paramref name="fileName"/> (a bare file name).</summary>
    public Staging BeginStage(string fileName)
    {
        Directory.CreateDirectory(root);
        return new Staging(Path.Combine(root, $".incoming-{Guid.NewGuid():N}.tmp"), fileName); // TempFileName; a killed server's are removed at start
    }

    /// <summary>Stages a copy of a file from elsewhere (a build's scratch folder), hashing it while it is copied.</summary>
    public async Task<StagedFile> StageCopyAsync(string sourcePath, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var staging = BeginStage(Path.GetFileName(sourcePath));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await staging.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return await staging.CompleteAsync(cancellationToken);
    }

    /// <summary>Moves staged bytes to <paramref name="relativePath"/> under <paramref name="rule"/> and records them in
    /// the catalog with what is known of them (served when this returns). <paramref name="uploader"/> says who uploaded
    /// the file, for uploads. When the catalog cannot take the file (its state folder is full), a new file is taken out
    /// again and <see cref="StateNotSavedException"/> is thrown.</summary>
    public async Task<CommitResult> CommitAsync(
        StagedFile staged,
        string relativePath,
        CommitRule rule,
        ArchiveMetadata metadata,
        string? uploader,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var destination = FullPath(relativePath);
        var existed = File.Exists(destination);
        try
        {
            File.Move(staged.TempPath, destination, overwrite: rule == CommitRule.Replace);
        }
        catch (IOException) when (rule == CommitRule.NoOverwrite && File.Exists(destination))
        {
            // Another writer (a folder drop, another build) got there first: read what it put there.
            await synchronizer.RefreshAsync(destination, cancellationToken);
            return new CommitResult(CommitOutcome.NameTaken, catalog.TryGetFile(relativePath, out var there) ? there : null);
        }

        try
        {
            var served = await writer.AddAsync(relativePath, staged.Sha256, metadata,
                uploader is null ? null : (uploader, time.GetUtcNow()), CancellationToken.None);
            return new CommitResult(CommitOutcome.Committed, served);
        }
        catch (StateNotSavedException) when (!existed)
        {
            // Not recorded, so not kept: a new file is taken out again (a replaced file's old bytes are gone already).
            File.Delete(destination);
            await writer.RemoveAsync([relativePath], CancellationToken.None);
            throw;
        }
    }

    /// <summary>Deletes served files from the folder and the catalog.</summary>
    public async Task DeleteAsync(IEnumerable<CatalogFile> files, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var file in files)
        {
            File.Delete(FullPath(file.RelativePath));
            removed.Add(file.RelativePath);
        }

        await writer.RemoveAsync(removed, cancellationToken);
    }

    /// <summary>The names of staged files in the package root; nothing else matches.</summary>
    [GeneratedRegex("\\A\\.incoming-[0-9a-f]{32}\\.tmp\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex TempFileName();

    // Relative paths come from the catalog or are bare file names; anything that leaves the root is a bug.
    private string FullPath(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        return CatalogPaths.ToRelative(root, full) is null
            ? throw new ArgumentException($"'{relativePath}' is not inside the package root.", nameof(relativePath))
            : full;
    }
}
