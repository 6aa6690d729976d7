using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>Reads a distribution once: its sha256, its metadata (PEP 658 file for wheels) and requires-python. A writer
/// that already hashed and read the file (<see cref="Publishing.PackageFolder"/>) hands its facts to
/// <see cref="Describe"/> instead, so the same bytes are not read again.</summary>
public sealed class FileInspector(IOptions<CatalogOptions> options, CatalogStateStore store)
{
    private readonly long maxMetadataBytes = options.Value.MaxMetadataBytes;
    private readonly string root = options.Value.RootPath;

    /// <summary>Inspects a file. Returns null when the file changed or vanished while being read (try again later).
    /// A file that is not a valid distribution comes back with <see cref="PersistedFile.Error"/> set.</summary>
    public async Task<PersistedFile?> InspectAsync(
        string fullPath,
        string relativePath,
        DistributionFilename filename,
        PersistedFile? previous,
        CancellationToken cancellationToken)
    {
        FileInfo before;
        string sha256;
        ArchiveMetadata? metadata;
        string? error = null;
        try
        {
            before = new FileInfo(fullPath);
            if (!before.Exists)
            {
                return null;
            }

            // A link that appeared since the caller looked is left to the next event or reconcile, which refuse it.
            await using var stream = CatalogPaths.OpenUnlinked(root, relativePath, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (stream is null)
            {
                return null;
            }

            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            stream.Position = 0;
            try
            {
                metadata = ArchiveMetadata.Read(stream, filename, maxMetadataBytes);
            }
            catch (InvalidDistributionException ex)
            {
                metadata = null;
                error = ex.Message;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var after = new FileInfo(fullPath);
        if (!after.Exists || after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
        {
            return null;
        }

        return Describe(relativePath, before, sha256, metadata, error, previous);
    }

    /// <summary>The catalog's record of a file whose digest and metadata are known: a wheel's METADATA goes into the
    /// pack (PEP 658). Upload time and yank state carry over from <paramref name="previous"/>.</summary>
    public PersistedFile Describe(string relativePath, FileInfo info, string sha256, ArchiveMetadata? metadata, string? error, PersistedFile? previous)
    {
        string? name = null;
        string? requiresPython = null;
        string? metadataSha = null;
        long? offset = null;
        int? length = null;
        error ??= metadata?.Problem;
        if (error is null && metadata is not null)
        {
            name = metadata.Metadata?.Name;
            requiresPython = metadata.RequiresPython;
            if (metadata.Bytes is { } bytes)
            {
                metadataSha = Convert.ToHexStringLower(SHA256.HashData(bytes));
                (offset, length) = store.AppendMetadata(bytes);
            }
        }

        return new PersistedFile(
            relativePath,
            info.Length,
            new DateTimeOffset(info.LastWriteTimeUtc).UtcTicks,
            sha256,
            metadataSha,
            name,
            requiresPython,
            previous?.UploadTime ?? new DateTimeOffset(info.LastWriteTimeUtc),
            previous?.Yanked,
            error,
            offset,
            length,
            previous?.UploadedBy);
    }
}
