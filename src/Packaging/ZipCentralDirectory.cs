using System.Buffers.Binary;

namespace PypiForge.Packaging;

/// <summary>
/// Where a zip archive's central directory starts, how many entries and how many bytes its end
/// record says it holds. Read from the end records alone (the classic one and, when its fields
/// overflow, the ZIP64 one), because <see cref="System.IO.Compression.ZipArchive"/> builds an
/// object for every central-directory entry as soon as it opens an archive: a few hundred
/// megabytes of tiny entries cost gigabytes before any limit could look at them.
/// </summary>
public sealed record ZipCentralDirectory(long EntryCount, long Size, long Offset)
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint FileHeaderSignature = 0x02014b50;
    private const int EndSize = 22;
    private const int Zip64LocatorSize = 20;
    private const int Zip64EndSize = 56;
    private const int FileHeaderSize = 46;

    /// <summary>Reads the end records of the archive in a seekable stream.</summary>
    /// <exception cref="InvalidDataException">No end record, or a ZIP64 one that points
    /// outside the archive.</exception>
    public static ZipCentralDirectory Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException("The stream must be seekable.", nameof(stream));

        // The end record is the last 22 bytes, followed only by a comment of at most 64 KiB.
        var tailStart = Math.Max(0, stream.Length - (EndSize + ushort.MaxValue));
        var tail = new byte[stream.Length - tailStart];
        stream.Position = tailStart;
        stream.ReadExactly(tail);

        // The last signature wins, as it does for ZipArchive, so both read the same record.
        var at = tail.Length - EndSize;
        while (at >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndSignature)
            at--;
        if (at < 0)
            throw new InvalidDataException("no end of central directory record");

        var end = tail.AsSpan(at, EndSize);
        var disk = BinaryPrimitives.ReadUInt16LittleEndian(end[4..]);
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        var classic = new ZipCentralDirectory(entries, size, offset);
        var overflows = disk == ushort.MaxValue || entries == ushort.MaxValue || size == uint.MaxValue || offset == uint.MaxValue;
        return overflows ? ReadZip64(stream, tailStart + at) ?? classic : classic;
    }

    /// <summary>
    /// Refuses an archive whose central directory holds more than <paramref name="maxEntries"/>
    /// entries or more than <paramref name="maxBytes"/> bytes. Besides the end record's claims,
    /// the headers themselves are counted, walking them without keeping any, because ZipArchive
    /// reads on past the count the end record gives.
    /// </summary>
    /// <exception cref="InvalidDistributionException">Over a limit.</exception>
    /// <exception cref="InvalidDataException">No end record, or a bad ZIP64 one.</exception>
    public static ZipCentralDirectory Check(Stream stream, int maxEntries, long maxBytes)
    {
        var directory = Read(stream);
        if (directory.EntryCount > maxEntries)
            throw TooManyEntries($"lists {directory.EntryCount} entries", maxEntries);
        if (directory.Size > maxBytes)
            throw TooLarge($"is {directory.Size} bytes", maxBytes);

        var header = new byte[FileHeaderSize];
        var count = 0;
        long walked = 0;
        stream.Position = directory.Offset;
        while (stream.Length - stream.Position >= FileHeaderSize)
        {
            stream.ReadExactly(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != FileHeaderSignature)
                break;
            if (++count > maxEntries)
                throw TooManyEntries("has more than " + maxEntries + " entries", maxEntries);

            var variable = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28))
                + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30))
                + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
            walked += FileHeaderSize + variable;
            if (walked > maxBytes)
                throw TooLarge("is more than " + maxBytes + " bytes", maxBytes);
            stream.Seek(variable, SeekOrigin.Current);
        }

        return directory;
    }

    private static ZipCentralDirectory? ReadZip64(Stream stream, long endPosition)
    {
        if (endPosition < Zip64LocatorSize)
            return null;
        var locator = new byte[Zip64LocatorSize];
        stream.Position = endPosition - Zip64LocatorSize;
        stream.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
            return null;

        var recordPosition = BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
        var lastPossible = endPosition - Zip64LocatorSize - Zip64EndSize;
        if (lastPossible < 0 || recordPosition > (ulong)lastPossible)
            throw new InvalidDataException("the ZIP64 end of central directory record lies outside the archive");

        var record = new byte[Zip64EndSize];
        stream.Position = (long)recordPosition;
        stream.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
            throw new InvalidDataException("no ZIP64 end of central directory record where the locator points");

        return new ZipCentralDirectory(
            Field(record, 32, "entry count"),
            Field(record, 40, "central directory size"),
            Field(record, 48, "central directory offset"));
    }

    private static long Field(byte[] record, int offset, string name)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(offset));
        return value <= long.MaxValue ? (long)value : throw new InvalidDataException($"the ZIP64 {name} is out of range");
    }

    private static InvalidDistributionException TooManyEntries(string found, int maxEntries) =>
        new($"the zip archive {found}; at most {maxEntries} entries are accepted");

    private static InvalidDistributionException TooLarge(string found, long maxBytes) =>
        new($"the zip archive's central directory {found}; at most {maxBytes} bytes are accepted");
}
