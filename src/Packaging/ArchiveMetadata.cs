namespace PypiForge.Packaging;

/// <summary>
/// The metadata a distribution carries, read once, and the one rule every writer and reader of
/// the package folder applies: the archive agrees with its file name (name and PEP 440 version,
/// <see cref="CoreMetadata.Contradiction"/>). A wheel whose METADATA contradicts its file name is
/// refused (<see cref="Problem"/>); an sdist's or egg's PKG-INFO is advisory (legacy sdists carry
/// dynamic or odd ones), so a contradicting one is ignored rather than the file refused.
/// </summary>
/// <param name="Bytes">A wheel's METADATA exactly as stored (PEP 658 serves these bytes); null for sdists and eggs.</param>
/// <param name="Metadata">The parsed metadata when it agrees with the file name; for a refused wheel, what it says.</param>
/// <param name="Problem">Why the archive is refused, or null.</param>
public sealed record ArchiveMetadata(byte[]? Bytes, CoreMetadata? Metadata, string? Problem)
{
    /// <summary>True when the archive may be served.</summary>
    public bool Agrees => Problem is null;

    /// <summary>The Requires-Python field, trimmed; null when absent or blank.</summary>
    public string? RequiresPython =>
        Problem is null && !string.IsNullOrWhiteSpace(Metadata?.RequiresPython) ? Metadata.RequiresPython.Trim() : null;

    /// <summary>Reads the metadata of <paramref name="filename"/>'s kind from the stream (from its start) and checks it.</summary>
    /// <exception cref="InvalidDistributionException">The archive cannot be read (see <see cref="DistributionArchive"/>).</exception>
    public static ArchiveMetadata Read(Stream stream, DistributionFilename filename, long maxBytes = DistributionArchive.DefaultMaxMetadataBytes)
    {
        ArgumentNullException.ThrowIfNull(filename);
        switch (filename)
        {
            case WheelFilename wheel:
            {
                var bytes = DistributionArchive.ReadWheelMetadata(stream, wheel, maxBytes);
                var metadata = CoreMetadata.Parse(bytes);
                return new ArchiveMetadata(bytes, metadata, metadata.Contradiction(wheel));
            }

            case SdistFilename sdist:
                return Advisory(DistributionArchive.ReadSdistPkgInfo(stream, sdist, maxBytes), filename);
            case EggFilename:
                return Advisory(DistributionArchive.ReadEggPkgInfo(stream, maxBytes), filename);
            default:
                return new ArchiveMetadata(null, null, "unknown distribution type");
        }
    }

    private static ArchiveMetadata Advisory(byte[]? pkgInfo, DistributionFilename filename)
    {
        if (pkgInfo is null)
        {
            return new ArchiveMetadata(null, null, null);
        }

        var metadata = CoreMetadata.Parse(pkgInfo);
        return new ArchiveMetadata(null, metadata.Contradiction(filename) is null ? metadata : null, null);
    }
}
