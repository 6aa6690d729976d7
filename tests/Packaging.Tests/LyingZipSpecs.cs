using System.IO.Compression;
using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// Zip entries whose headers state another size or CRC-32 than their data. .NET's ZipArchive
/// stops a deflated entry at the stated size and checks no CRC, so a wheel that understates its
/// METADATA's size would have a cut METADATA served. Such entries are refused.
/// </summary>
public sealed class LyingZipSpecs
{
    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes(
        "Metadata-Version: 2.1\nName: foo-bar\nVersion: 1.0\nRequires-Python: >=3.8\nRequires-Dist: evil; python_version < '3'\n");

    private static readonly WheelFilename FooBar = Parse<WheelFilename>("foo_bar-1.0-py3-none-any.whl");

    public static TheoryData<string, int> Lies => new()
    {
        { "central directory", -20 },
        { "central directory", +20 },
        { "both headers", -20 },
        { "both headers", +20 },
    };

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_wheel_whose_METADATA_size_is_misstated_is_refused(string where, int delta)
    {
        using var wheel = LyingWheel(where, delta);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.StartsWith("METADATA's stored size or CRC does not match its data", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Metadata.Length + delta} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_understated_size_would_otherwise_cut_METADATA_short()
    {
        // The premise of the check: what ZipArchive itself returns for such an entry.
        using var wheel = LyingWheel("both headers", -20);
        using var zip = new ZipArchive(wheel, ZipArchiveMode.Read);
        using var content = zip.GetEntry("foo_bar-1.0.dist-info/METADATA")!.Open();
        using var read = new MemoryStream();
        content.CopyTo(read);

        Assert.Equal(Metadata[..^20], read.ToArray());
    }

    [Fact]
    public void A_wheel_whose_METADATA_CRC_is_wrong_is_refused()
    {
        using var wheel = Archives.PatchZipEntry(Wheel(), "foo_bar-1.0.dist-info/METADATA", h =>
        {
            h.SetCentralCrc32(h.Crc32 ^ 1);
            h.SetLocalCrc32(h.Crc32);
        });

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.StartsWith("METADATA's stored size or CRC does not match its data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_uncompressed_METADATA_with_a_misstated_size_is_refused()
    {
        using var wheel = Archives.PatchZipEntry(
            Archives.Zip(CompressionLevel.NoCompression, Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata)),
            "foo_bar-1.0.dist-info/METADATA",
            h => h.SetCentralUncompressedSize(h.UncompressedSize - 20));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.StartsWith("METADATA's stored size or CRC does not match its data", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("egg")]
    [InlineData("sdist zip")]
    public void A_PKG_INFO_whose_size_is_misstated_is_refused(string kind)
    {
        var entryName = kind == "egg" ? "EGG-INFO/PKG-INFO" : "foo-bar-1.0/PKG-INFO";
        using var archive = Archives.PatchZipEntry(
            Archives.Zip(Archives.File(entryName, Metadata)),
            entryName,
            h => h.SetCentralUncompressedSize(h.UncompressedSize - 20));

        var error = Assert.Throws<InvalidDistributionException>(() => kind == "egg"
            ? DistributionArchive.ReadEggPkgInfo(archive)
            : DistributionArchive.ReadSdistPkgInfo(archive, Parse<SdistFilename>("foo-bar-1.0.zip")));

        Assert.StartsWith("PKG-INFO's stored size or CRC does not match its data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wheel_whose_headers_tell_the_truth_is_read()
    {
        using var wheel = Wheel();

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, FooBar));
    }

    private static MemoryStream Wheel() => Archives.Zip(
        Archives.File("foo_bar/__init__.py", ""),
        Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata));

    private static MemoryStream LyingWheel(string where, int delta) =>
        Archives.PatchZipEntry(Wheel(), "foo_bar-1.0.dist-info/METADATA", h =>
        {
            var size = (uint)(h.UncompressedSize + delta);
            h.SetCentralUncompressedSize(size);
            if (where == "both headers")
                h.SetLocalUncompressedSize(size);
        });

    private static T Parse<T>(string fileName)
        where T : DistributionFilename
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));
        return Assert.IsType<T>(parsed);
    }
}
