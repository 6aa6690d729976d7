using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>Reads a distribution once: its sha256, its metadata (PEP 658 file for wheels) and requires-python.</summary>
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
        Inspection inspection;
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
            inspection = ReadMetadata(stream, filename, sha256);
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

        return new PersistedFile(
            relativePath,
            before.Length,
            new DateTimeOffset(before.LastWriteTimeUtc).UtcTicks,
            sha256,
            inspection.MetadataSha256,
            inspection.Name,
            inspection.RequiresPython,
            previous?.UploadTime ?? new DateTimeOffset(before.LastWriteTimeUtc),
            previous?.Yanked,
            inspection.Error,
            inspection.MetadataOffset,
            inspection.MetadataLength,
            previous?.UploadedBy);
    }

    private Inspection ReadMetadata(Stream stream, DistributionFilename filename, string sha256)
    {
        try
        {
            switch (filename)
            {
                case WheelFilename wheel:
                {
                    var bytes = DistributionArchive.ReadWheelMetadata(stream, wheel, maxMetadataBytes);
                    var metadata = CoreMetadata.Parse(bytes);
                    var contradiction = metadata.Contradiction(filename);
                    if (contradiction is not null)
                    {
                        return Inspection.Invalid(contradiction);
                    }

                    var metadataSha = Convert.ToHexStringLower(SHA256.HashData(bytes));
                    var (offset, length) = store.AppendMetadata(bytes);
                    return new Inspection(metadata.Name, Clean(metadata.RequiresPython), metadataSha, null, offset, length);
                }

                case SdistFilename sdist:
                    return FromOptionalPkgInfo(DistributionArchive.ReadSdistPkgInfo(stream, sdist, maxMetadataBytes), filename);

                case EggFilename:
                    return FromOptionalPkgInfo(DistributionArchive.ReadEggPkgInfo(stream, maxMetadataBytes), filename);

                default:
                    return Inspection.Invalid("unknown distribution type");
            }
        }
        catch (InvalidDistributionException ex)
        {
            return Inspection.Invalid(ex.Message);
        }
    }

    // Sdist and egg metadata is advisory (legacy sdists may carry dynamic or odd PKG-INFO): a PKG-INFO that
    // disagrees with the filename is ignored rather than hiding the file.
    private static Inspection FromOptionalPkgInfo(byte[]? pkgInfo, DistributionFilename filename)
    {
        if (pkgInfo is null)
        {
            return new Inspection(null, null, null, null);
        }

        var metadata = CoreMetadata.Parse(pkgInfo);
        return metadata.Contradiction(filename) is null
            ? new Inspection(metadata.Name, Clean(metadata.RequiresPython), null, null)
            : new Inspection(null, null, null, null);
    }

    private static string? Clean(string? requiresPython) =>
        string.IsNullOrWhiteSpace(requiresPython) ? null : requiresPython.Trim();

    private sealed record Inspection(string? Name, string? RequiresPython, string? MetadataSha256, string? Error, long? MetadataOffset = null, int? MetadataLength = null)
    {
        public static Inspection Invalid(string reason) => new(null, null, null, reason);
    }
}
