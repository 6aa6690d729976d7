using System.Formats.Tar;
using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// Tar headers with valid checksums and impossible values. .NET reports each with a different
/// exception type; the reader must report them all as an invalid distribution.
/// </summary>
public sealed class MalformedTarSpecs
{
    private static readonly byte[] EndOfArchive = new byte[1024];

    public static TheoryData<string> Damages => new() { "size beyond the stream", "size beyond a long", "mtime beyond a long", "oversized extended header" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_plain_tar_is_an_invalid_distribution(string damage)
    {
        using var sdist = new MemoryStream(Build(damage));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar")));

        Assert.StartsWith("not a valid tar archive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_gzipped_tar_is_an_invalid_distribution(string damage)
    {
        using var sdist = Archives.Gzip(Build(damage));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));

        Assert.StartsWith("not a valid tar.gz archive", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Build(string damage) => damage switch
    {
        // 8 GiB declared for a 0-byte file: seeking past it fails on a MemoryStream
        // (ArgumentOutOfRangeException), reading past it fails on a gzip stream.
        "size beyond the stream" => [.. Archives.TarHeader("foo-1.0/setup.py", TarEntryType.V7RegularFile, h => Octal("77777777777", h, 124)), .. EndOfArchive],
        // Base-256 numbers (first byte 0x80) can exceed a long: OverflowException.
        "size beyond a long" => [.. Archives.TarHeader("foo-1.0/setup.py", TarEntryType.V7RegularFile, h => Base256(h, 124)), .. EndOfArchive],
        "mtime beyond a long" => [.. Archives.TarHeader("foo-1.0/setup.py", TarEntryType.V7RegularFile, h => Base256(h, 136)), .. EndOfArchive],
        // A PAX header claiming 8 GiB of attributes: InvalidOperationException.
        _ => [.. Archives.TarHeader("PaxHeader", TarEntryType.ExtendedAttributes, h => Octal("77777777777", h, 124)), .. EndOfArchive],
    };

    private static void Octal(string digits, byte[] header, int offset) => Encoding.ASCII.GetBytes(digits + "\0").CopyTo(header, offset);

    private static void Base256(byte[] header, int offset)
    {
        header[offset] = 0x80;
        Array.Fill(header, (byte)0xFF, offset + 1, 11);
    }

    private static SdistFilename Sdist(string fileName)
    {
        Assert.True(SdistFilename.TryParse(fileName, out var sdist));
        return sdist;
    }
}
