using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// <c>.tar.xz</c> and <c>.tar.bz2</c> sdists are read like <c>.tar.gz</c>: PKG-INFO comes out,
/// bytes that are not the named format are refused in words, and neither PKG-INFO nor the rest
/// of the tar may unpack past its limit.
/// </summary>
public sealed class CompressedSdistSpecs
{
    private static readonly byte[] PkgInfo = Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Python: >=3.9\n");

    private static readonly (string Name, byte[] Content)[] Files =
    [
        Archives.File("foo-1.0/setup.py", "from setuptools import setup\nsetup()\n"),
        Archives.File("foo-1.0/PKG-INFO", PkgInfo),
        Archives.File("foo-1.0/foo/__init__.py", ""),
    ];

    public static TheoryData<string, string> Tools => new()
    {
        { "tar -cJf", "foo-1.0.tar.xz" },
        { "tar -cjf", "foo-1.0.tar.bz2" },
        { "tarfile w:xz", "foo-1.0.tar.xz" },
        { "tarfile w:bz2", "foo-1.0.tar.bz2" },
    };

    [Theory]
    [MemberData(nameof(Tools))]
    public void PKG_INFO_is_read_from_an_sdist_made_by_a_real_tool(string tool, string fileName)
    {
        using var sdist = tool.StartsWith("tar ", StringComparison.Ordinal)
            ? ToolArchives.GnuTar(tool[4..], Files)
            : ToolArchives.PythonTarfile(tool["tarfile ".Length..], Files);

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist(fileName)));
        Assert.True(sdist.CanRead, "the caller's stream is left open");
    }

    [Theory]
    [InlineData("xz", "foo-1.0.tar.xz")]
    [InlineData("bz2", "foo-1.0.tar.bz2")]
    public void An_sdist_without_PKG_INFO_has_none(string format, string fileName)
    {
        using var sdist = ToolArchives.Compress(format, Archives.Tar(Archives.File("foo-1.0/setup.py", "")).ToArray());

        Assert.Null(DistributionArchive.ReadSdistPkgInfo(sdist, Sdist(fileName)));
    }

    public static TheoryData<string, string, string> NotTheNamedFormat => new()
    {
        { "random bytes", "foo-1.0.tar.xz", "not a valid tar.xz archive" },
        { "random bytes", "foo-1.0.tar.bz2", "not a valid tar.bz2 archive" },
        { "a tar.gz", "foo-1.0.tar.xz", "not a valid tar.xz archive" },
        { "a tar.gz", "foo-1.0.tar.bz2", "not a valid tar.bz2 archive" },
        { "an xz of garbage", "foo-1.0.tar.xz", "not a valid tar.xz archive" },
        { "a bzip2 of garbage", "foo-1.0.tar.bz2", "not a valid tar.bz2 archive" },
        { "an empty file", "foo-1.0.tar.xz", "not a valid tar.xz archive" },
        { "an empty file", "foo-1.0.tar.bz2", "not a valid tar.bz2 archive" },
    };

    [Theory]
    [MemberData(nameof(NotTheNamedFormat))]
    public void Bytes_that_are_not_the_named_format_are_refused_in_words(string what, string fileName, string message)
    {
        var garbage = new byte[4096];
        new Random(8).NextBytes(garbage);
        using var bytes = what switch
        {
            "random bytes" => new MemoryStream(garbage),
            "a tar.gz" => Archives.TarGz(Files),
            "an xz of garbage" => ToolArchives.Compress("xz", garbage),
            "a bzip2 of garbage" => ToolArchives.Compress("bz2", garbage),
            _ => new MemoryStream(),
        };

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(bytes, Sdist(fileName)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xz", "foo-1.0.tar.xz")]
    [InlineData("bz2", "foo-1.0.tar.bz2")]
    public void A_PKG_INFO_that_unpacks_past_the_limit_is_refused(string format, string fileName)
    {
        using var bomb = ToolArchives.Compress(format, Archives.Tar(Archives.File("foo-1.0/PKG-INFO", new byte[5 * 1024 * 1024])).ToArray());
        Assert.True(bomb.Length < 64 * 1024);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(bomb, Sdist(fileName)));

        Assert.Equal("PKG-INFO is larger than 1048576 bytes", error.Message);
    }

    [Theory]
    [InlineData("xz", "foo-1.0.tar.xz", "tar.xz")]
    [InlineData("bz2", "foo-1.0.tar.bz2", "tar.bz2")]
    [InlineData("gz", "foo-1.0.tar.gz", "tar.gz")]
    public void A_tar_that_unpacks_past_the_limit_before_PKG_INFO_is_refused(string format, string fileName, string name)
    {
        var tar = Archives.Tar(Archives.File("foo-1.0/data.bin", new byte[8 * 1024 * 1024]), Archives.File("foo-1.0/PKG-INFO", PkgInfo)).ToArray();
        using var bomb = format == "gz" ? Archives.Gzip(tar) : ToolArchives.Compress(format, tar);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(bomb, Sdist(fileName), maxUnpackedBytes: 1024 * 1024));

        Assert.Equal($"the {name} archive unpacks to more than 1048576 bytes before its PKG-INFO; "
            + "a real sdist puts PKG-INFO near the start or is far smaller (a decompression bomb?)", error.Message);
        bomb.Position = 0;
        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(bomb, Sdist(fileName), maxUnpackedBytes: tar.Length));
    }

    private static SdistFilename Sdist(string fileName)
    {
        Assert.True(SdistFilename.TryParse(fileName, out var sdist));
        return sdist;
    }
}
