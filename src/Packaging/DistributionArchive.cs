using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.RegularExpressions;
using SharpCompress.Common;
using SharpCompress.Compressors.BZip2;
using XZStream = SharpCompress.Compressors.Xz.XZStream;

namespace PypiForge.Packaging;

/// <summary>
/// Reads the metadata file out of a distribution archive. Every failure caused by the bytes
/// of the archive is an <see cref="InvalidDistributionException"/>; other exception types mean
/// a bug or a failing stream.
/// </summary>
/// <remarks>
/// The methods read synchronously and leave the stream open. Pass a seekable stream (a spooled
/// upload): a non-seekable one is copied into memory first. Zip archives with more than
/// <see cref="MaxZipEntries"/> entries or a central directory over
/// <see cref="MaxZipCentralDirectoryBytes"/> are refused before <see cref="ZipArchive"/> reads
/// them. Tar formats are read from the stream's current position, so rewind it first;
/// <c>.tar.gz</c>, <c>.tar.bz2</c> and <c>.tar.xz</c> are decompressed as they are read, at most
/// <see cref="MaxUnpackedTarBytes"/> of them.
/// </remarks>
public static partial class DistributionArchive
{
    public const long DefaultMaxMetadataBytes = 1024 * 1024;

    /// <summary>
    /// Sdists are scanned entry by entry; a tar with PKG-INFO buried past this many entries is
    /// treated as having none rather than read to the end.
    /// </summary>
    public const int MaxScannedEntries = 10_000;

    /// <summary>
    /// Zip archives (wheels, eggs, zip sdists) with more entries than this are refused before
    /// they are opened, like tar archives stop being scanned at <see cref="MaxScannedEntries"/>.
    /// </summary>
    public const int MaxZipEntries = 100_000;

    /// <summary>Zip archives whose central directory is larger than this are refused before they are opened.</summary>
    public const long MaxZipCentralDirectoryBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Compressed sdists (<c>.tar.gz</c>, <c>.tar.bz2</c>, <c>.tar.xz</c>) that unpack to more
    /// than this before PKG-INFO is found are refused: the tar is decompressed entry by entry up
    /// to PKG-INFO, and a small upload can unpack to far more (bzip2 about 1,000,000 to 1, xz
    /// about 7,000 to 1, gzip about 1,000 to 1).
    /// </summary>
    public const long MaxUnpackedTarBytes = 1024L * 1024 * 1024;

    /// <summary>
    /// The exact bytes of the wheel's top-level <c>{name}-{version}.dist-info/METADATA</c>
    /// (PEP 658 serves them as they are). When several <c>.dist-info</c> directories exist, the
    /// one whose name normalizes to the wheel's project is chosen (and, among those, the one
    /// with the wheel's version).
    /// </summary>
    /// <exception cref="InvalidDistributionException">Not a zip archive, a corrupt one, no
    /// METADATA for the project, an ambiguous one, or METADATA larger than
    /// <paramref name="maxBytes"/>.</exception>
    public static byte[] ReadWheelMetadata(Stream stream, WheelFilename wheel, long maxBytes = DefaultMaxMetadataBytes)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        CheckArguments(stream, maxBytes);
        return Guard("zip", () =>
        {
            using var zip = OpenZip(stream);
            return ReadZipEntry(FindWheelMetadata(zip.Entries, wheel), maxBytes, "METADATA");
        });
    }

    /// <summary>
    /// The bytes of <c>{top directory}/PKG-INFO</c> in an sdist, from the first entry of that
    /// shape. Null when there is none, or when it is not among the first
    /// <see cref="MaxScannedEntries"/> entries.
    /// </summary>
    /// <exception cref="InvalidDistributionException">A corrupt archive, PKG-INFO larger than
    /// <paramref name="maxBytes"/>, or a compressed tar that unpacks to more than
    /// <paramref name="maxUnpackedBytes"/> before PKG-INFO.</exception>
    public static byte[]? ReadSdistPkgInfo(
        Stream stream, SdistFilename sdist, long maxBytes = DefaultMaxMetadataBytes, long maxUnpackedBytes = MaxUnpackedTarBytes)
    {
        ArgumentNullException.ThrowIfNull(sdist);
        CheckArguments(stream, maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUnpackedBytes);
        return sdist.Extension switch
        {
            ".tar.gz" or ".tgz" => ReadCompressedTarPkgInfo(
                "tar.gz", () => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), maxBytes, maxUnpackedBytes),
            ".tar.bz2" => ReadCompressedTarPkgInfo(
                "tar.bz2",
                () => BZip2Stream.Create(stream, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false),
                maxBytes,
                maxUnpackedBytes),
            // XZStream leaves the stream it reads open.
            ".tar.xz" => ReadCompressedTarPkgInfo("tar.xz", () => new XZStream(stream), maxBytes, maxUnpackedBytes),
            ".tar" => Guard("tar", () => ReadTarPkgInfo(stream, maxBytes)),
            ".zip" => Guard("zip", () =>
            {
                using var zip = OpenZip(stream);
                var entry = zip.Entries.Take(MaxScannedEntries).FirstOrDefault(e => IsTopLevelPkgInfo(e.FullName));
                return entry is null ? null : ReadZipEntry(entry, maxBytes, "PKG-INFO");
            }),
            _ => null,
        };
    }

    /// <summary>The bytes of <c>EGG-INFO/PKG-INFO</c> in an egg, or null when there is none.</summary>
    /// <exception cref="InvalidDistributionException">Not a zip archive, a corrupt one, or
    /// PKG-INFO larger than <paramref name="maxBytes"/>.</exception>
    public static byte[]? ReadEggPkgInfo(Stream stream, long maxBytes = DefaultMaxMetadataBytes)
    {
        CheckArguments(stream, maxBytes);
        return Guard("zip", () =>
        {
            using var zip = OpenZip(stream);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName == "EGG-INFO/PKG-INFO");
            return entry is null ? null : ReadZipEntry(entry, maxBytes, "PKG-INFO");
        });
    }

    private static void CheckArguments(Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
    }

    // ZipArchive builds an object for every central-directory entry as it opens, so the
    // directory is measured first (see ZipCentralDirectory).
    private static ZipArchive OpenZip(Stream stream)
    {
        if (stream.CanSeek)
        {
            ZipCentralDirectory.Check(stream, MaxZipEntries, MaxZipCentralDirectoryBytes);
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }

        // ZipArchive would make this copy itself.
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        ZipCentralDirectory.Check(copy, MaxZipEntries, MaxZipCentralDirectoryBytes);
        return new ZipArchive(copy, ZipArchiveMode.Read, leaveOpen: false);
    }

    private static ZipArchiveEntry FindWheelMetadata(IEnumerable<ZipArchiveEntry> entries, WheelFilename wheel)
    {
        var all = entries
            .Select(e => (Entry: e, Match: DistInfoMetadata().Match(e.FullName)))
            .Where(x => x.Match.Success)
            .ToList();
        if (all.Count == 0)
            throw new InvalidDistributionException("no *.dist-info/METADATA file");

        var forProject = all
            .Where(x => ProjectName.Normalize(x.Match.Groups["name"].Value) == wheel.NormalizedProject)
            .ToList();
        if (forProject.Count == 0)
            throw new InvalidDistributionException($"no *.dist-info/METADATA file for project '{wheel.NormalizedProject}'");

        if (forProject.Count > 1)
        {
            // Several directories for one project: only the wheel's own version settles it.
            var wheelVersion = PackageVersion.Parse(wheel.Version);
            forProject = forProject
                .Where(x => PackageVersion.TryParse(x.Match.Groups["version"].Value, out var v) && v == wheelVersion)
                .ToList();
        }

        // Two entries with the same name count too: tools disagree on which one wins.
        return forProject.Count == 1
            ? forProject[0].Entry
            : throw new InvalidDistributionException($"more than one *.dist-info/METADATA file for project '{wheel.NormalizedProject}'");
    }

    private static byte[]? ReadCompressedTarPkgInfo(string format, Func<Stream> decompress, long maxBytes, long maxUnpackedBytes) =>
        Guard(format, () =>
        {
            using var decompressed = decompress();
            using var limited = new UnpackedLimitStream(decompressed, maxUnpackedBytes, format);
            return ReadTarPkgInfo(limited, maxBytes);
        });

    private static byte[]? ReadTarPkgInfo(Stream source, long maxBytes)
    {
        using var tar = new TarReader(source, leaveOpen: true);
        for (var scanned = 0; scanned < MaxScannedEntries; scanned++)
        {
            var entry = tar.GetNextEntry(copyData: false);
            if (entry is null)
                return null;
            // Regular files only: a link named PKG-INFO would point somewhere else entirely.
            if (entry.EntryType is (TarEntryType.RegularFile or TarEntryType.V7RegularFile) && IsTopLevelPkgInfo(entry.Name))
                return entry.DataStream is null ? [] : CappedReader.ReadAll(entry.DataStream, maxBytes, "PKG-INFO");
        }
        return null;
    }

    // ZipArchive stops a deflated entry at the size the central directory states and checks no
    // CRC, so an entry that understates its size would be read cut short and served as it is.
    private static byte[] ReadZipEntry(ZipArchiveEntry entry, long maxBytes, string name)
    {
        byte[] bytes;
        using (var content = entry.Open())
            bytes = CappedReader.ReadAll(content, maxBytes, name);

        var crc = Crc32.HashToUInt32(bytes);
        if (bytes.Length != entry.Length || crc != entry.Crc32)
        {
            throw new InvalidDistributionException(
                $"{name}'s stored size or CRC does not match its data: the zip says {entry.Length} bytes with CRC-32 {entry.Crc32:x8}, "
                + $"the data is {bytes.Length} bytes with CRC-32 {crc:x8}. The archive is damaged or was edited by hand; build it again.");
        }

        return bytes;
    }

    // "foo-1.0/PKG-INFO", also as "./foo-1.0/PKG-INFO", which some tar writers produce.
    private static bool IsTopLevelPkgInfo(string path)
    {
        if (path.StartsWith("./", StringComparison.Ordinal))
            path = path[2..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && path[..slash] is not ("." or "..")
            && path.AsSpan(slash + 1).SequenceEqual("PKG-INFO");
    }

    // Damaged archives surface from the BCL as many exception types: besides
    // InvalidDataException, tar headers with impossible sizes give InvalidOperationException,
    // OverflowException or ArgumentOutOfRangeException (CorruptArchiveSpecs finds them). Callers
    // only need to know that the upload is unreadable and why, in a few words. SharpCompress (bzip2,
    // xz) reports damage as SharpCompressException, except that its bzip2 decoder indexes its tables with damaged
    // values and throws IndexOutOfRangeException (about one in 200 random 1–8 byte damages). The arguments are checked
    // before this point, so an ArgumentException or IndexOutOfRangeException here comes from the archive's bytes.
    private static T Guard<T>(string format, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or NotSupportedException
            or FormatException or OverflowException or InvalidOperationException or ArgumentException or SharpCompressException
            or IndexOutOfRangeException)
        {
            throw new InvalidDistributionException($"not a valid {format} archive ({ex.Message})", ex);
        }
    }

    [GeneratedRegex(@"\A(?<name>[^/-]+)(?:-(?<version>[^/]+))?\.dist-info/METADATA\z", RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant)]
    private static partial Regex DistInfoMetadata();
}
