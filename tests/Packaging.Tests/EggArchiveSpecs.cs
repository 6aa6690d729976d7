using System.Text;

namespace PypiForge.Packaging.Tests;

public sealed class EggArchiveSpecs
{
    private static readonly byte[] PkgInfo = Encoding.UTF8.GetBytes("Metadata-Version: 1.0\nName: foo\nVersion: 1.0\n");

    [Fact]
    public void PKG_INFO_is_read_from_EGG_INFO()
    {
        using var egg = Archives.Zip(
            Archives.File("foo/__init__.py", ""),
            Archives.File("EGG-INFO/PKG-INFO", PkgInfo),
            Archives.File("EGG-INFO/top_level.txt", "foo\n"));

        Assert.Equal(PkgInfo, DistributionArchive.ReadEggPkgInfo(egg));
    }

    [Theory]
    [InlineData("foo/__init__.py")]
    [InlineData("foo-1.0/EGG-INFO/PKG-INFO")]
    [InlineData("PKG-INFO")]
    public void An_egg_without_EGG_INFO_PKG_INFO_has_none(string path)
    {
        using var egg = Archives.Zip(Archives.File(path, PkgInfo));

        Assert.Null(DistributionArchive.ReadEggPkgInfo(egg));
    }

    [Fact]
    public void Bytes_that_are_not_a_zip_archive_are_rejected()
    {
        using var notAZip = Archives.Bytes("this is not a zip archive, just some text uploaded as an egg");

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadEggPkgInfo(notAZip));

        Assert.StartsWith("not a valid zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PKG_INFO_larger_than_the_cap_is_rejected()
    {
        using var egg = Archives.Zip(Archives.File("EGG-INFO/PKG-INFO", new byte[2048]));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadEggPkgInfo(egg, 1024));

        Assert.Equal("PKG-INFO is larger than 1024 bytes", error.Message);
    }
}
