using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// The end records of a zip are read without opening it, and archives with too many entries
/// are refused before <see cref="ZipArchive"/> builds an object for each of them.
/// </summary>
public sealed class ZipCentralDirectorySpecs
{
    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n");

    [Fact]
    public void The_end_record_of_a_plain_zip_gives_the_entry_count_size_and_offset()
    {
        using var zip = Archives.Zip(Archives.File("a.txt", "a"), Archives.File("b/c.txt", "c"), Archives.File("d.txt", "d"));

        var directory = ZipCentralDirectory.Read(zip);

        // Each central header is 46 bytes plus its name; the directory ends where the end record starts.
        Assert.Equal(3, directory.EntryCount);
        Assert.Equal((46 * 3) + "a.txt".Length + "b/c.txt".Length + "d.txt".Length, directory.Size);
        Assert.Equal(zip.Length - 22, directory.Offset + directory.Size);
    }

    [Theory]
    [InlineData("a short comment")]
    [InlineData("a comment that contains an end record signature: PK\u0005\u0006 and goes on")]
    public void The_end_record_is_found_before_an_archive_comment(string comment)
    {
        using var zip = Build(2, comment);

        var directory = ZipCentralDirectory.Read(zip);

        Assert.Equal(2, directory.EntryCount);
    }

    [Fact]
    public void The_end_record_is_found_before_the_longest_comment()
    {
        using var zip = Build(2, new string('c', ushort.MaxValue));

        Assert.Equal(2, ZipCentralDirectory.Read(zip).EntryCount);
    }

    [Fact]
    public void A_zip64_archive_gives_its_count_from_the_zip64_end_record()
    {
        // 65,536 entries do not fit the classic record's 16-bit count, so ZipArchive writes ZIP64.
        using var zip = Build(ushort.MaxValue + 1);

        var directory = ZipCentralDirectory.Read(zip);

        Assert.Equal(ushort.MaxValue + 1, directory.EntryCount);
        Assert.Equal(ushort.MaxValue, BinaryPrimitives.ReadUInt16LittleEndian(zip.ToArray().AsSpan((int)zip.Length - 12)));
    }

    [Fact]
    public void Bytes_without_an_end_record_are_not_a_zip()
    {
        using var bytes = Archives.Bytes("this is not a zip archive");

        Assert.Throws<InvalidDataException>(() => ZipCentralDirectory.Read(bytes));
    }

    [Fact]
    public void A_wheel_with_one_entry_over_the_limit_is_refused_naming_the_limit()
    {
        using var wheel = Build(DistributionArchive.MaxZipEntries + 1);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, Wheel()));

        Assert.Equal($"the zip archive lists {DistributionArchive.MaxZipEntries + 1} entries; at most {DistributionArchive.MaxZipEntries} entries are accepted", error.Message);
    }

    [Fact]
    public void A_wheel_with_as_many_entries_as_the_limit_is_read()
    {
        using var wheel = Build(DistributionArchive.MaxZipEntries);

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, Wheel()));
    }

    [Fact]
    public void An_end_record_that_understates_the_count_does_not_get_past_the_limit()
    {
        using var wheel = Build(DistributionArchive.MaxZipEntries + 1);
        var bytes = wheel.ToArray();
        var end = bytes.Length - 22;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), 3);
        using var lying = new MemoryStream(bytes);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(lying, Wheel()));

        Assert.Equal($"the zip archive has more than {DistributionArchive.MaxZipEntries} entries; at most {DistributionArchive.MaxZipEntries} entries are accepted", error.Message);
    }

    [Fact]
    public void A_central_directory_over_the_size_limit_is_refused()
    {
        using var zip = Build(3);

        var error = Assert.Throws<InvalidDistributionException>(() => ZipCentralDirectory.Check(zip, maxEntries: 10, maxBytes: 100));

        Assert.StartsWith("the zip archive's central directory is ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("at most 100 bytes are accepted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Eggs_and_zip_sdists_are_held_to_the_same_limit()
    {
        using var egg = Build(DistributionArchive.MaxZipEntries + 1);
        using var sdist = Build(DistributionArchive.MaxZipEntries + 1);

        Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadEggPkgInfo(egg));
        Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sdist, Parse<SdistFilename>("foo-1.0.zip")));
    }

    private static WheelFilename Wheel() => Parse<WheelFilename>("foo-1.0-py3-none-any.whl");

    private static T Parse<T>(string fileName)
        where T : DistributionFilename
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));
        return Assert.IsType<T>(parsed);
    }

    /// <summary>A wheel-shaped zip of <paramref name="entries"/> entries: METADATA and empty files.</summary>
    private static MemoryStream Build(int entries, string? comment = null)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var metadata = zip.CreateEntry("foo-1.0.dist-info/METADATA", CompressionLevel.NoCompression).Open())
                metadata.Write(Metadata);
            for (var i = 1; i < entries; i++)
                zip.CreateEntry("f" + i, CompressionLevel.NoCompression);
            if (comment is not null)
                zip.Comment = comment;
        }

        stream.Position = 0;
        return stream;
    }
}
