using System.Formats.Tar;
using System.Text;

namespace PypiForge.Packaging.Tests;

public sealed class SdistArchiveSpecs
{
    private static readonly byte[] PkgInfo = Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n");

    [Theory]
    [InlineData("foo-1.0.tar.gz")]
    [InlineData("foo-1.0.tgz")]
    public void PKG_INFO_is_read_from_a_gzipped_tar(string fileName)
    {
        using var sdist = Archives.TarGz(
            Archives.File("foo-1.0/setup.py", "from setuptools import setup\n"),
            Archives.File("foo-1.0/PKG-INFO", PkgInfo),
            Archives.File("foo-1.0/foo/__init__.py", ""));

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist(fileName)));
    }

    [Fact]
    public void PKG_INFO_is_read_from_a_plain_tar()
    {
        using var sdist = Archives.Tar(Archives.File("foo-1.0/PKG-INFO", PkgInfo));

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar")));
    }

    [Fact]
    public void PKG_INFO_is_read_from_a_zip()
    {
        using var sdist = Archives.Zip(
            Archives.File("foo-1.0/setup.py", ""),
            Archives.File("foo-1.0/PKG-INFO", PkgInfo));

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.zip")));
    }

    [Fact]
    public void Tar_paths_starting_with_dot_slash_are_understood()
    {
        using var sdist = Archives.TarGz(Archives.File("./foo-1.0/PKG-INFO", PkgInfo));

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
    }

    [Theory]
    [InlineData("PKG-INFO")] // not inside the top directory
    [InlineData("foo-1.0/foo.egg-info/PKG-INFO")] // not directly inside it
    [InlineData("foo-1.0/pkg-info")]
    [InlineData("foo-1.0/PKG-INFO.txt")]
    public void Only_PKG_INFO_directly_inside_the_top_directory_counts(string path)
    {
        using var tarGz = Archives.TarGz(Archives.File(path, PkgInfo));
        using var zip = Archives.Zip(Archives.File(path, PkgInfo));

        Assert.Null(DistributionArchive.ReadSdistPkgInfo(tarGz, Sdist("foo-1.0.tar.gz")));
        Assert.Null(DistributionArchive.ReadSdistPkgInfo(zip, Sdist("foo-1.0.zip")));
    }

    [Fact]
    public void The_first_matching_entry_wins()
    {
        using var sdist = Archives.TarGz(
            Archives.File("foo-1.0/PKG-INFO", PkgInfo),
            Archives.File("bar-2.0/PKG-INFO", "Name: bar\n"));

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
    }

    [Fact]
    public void Scanning_stops_at_the_first_match_so_later_damage_is_not_seen()
    {
        var tar = Archives.Tar(Archives.File("foo-1.0/PKG-INFO", PkgInfo)).ToArray();
        // Replace the end-of-archive blocks by a header block whose checksum is wrong.
        var damaged = tar.AsSpan(0, tar.Length - 1024).ToArray().Concat(Enumerable.Repeat((byte)'x', 1024)).ToArray();
        using var sdist = Archives.Gzip(damaged);
        using var sameDamageFirst = Archives.Gzip([.. Enumerable.Repeat((byte)'x', 1024), .. tar]);

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
        Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sameDamageFirst, Sdist("foo-1.0.tar.gz")));
    }

    [Fact]
    public void A_symbolic_link_named_PKG_INFO_is_not_followed()
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "foo-1.0/PKG-INFO") { LinkName = "/etc/passwd" });
        stream.Position = 0;

        Assert.Null(DistributionArchive.ReadSdistPkgInfo(stream, Sdist("foo-1.0.tar")));
    }

    [Fact]
    public void An_sdist_without_PKG_INFO_has_none()
    {
        using var sdist = Archives.TarGz(Archives.File("foo-1.0/setup.py", ""));

        Assert.Null(DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
    }

    [Fact]
    public void PKG_INFO_is_found_among_the_first_MaxScannedEntries_entries()
    {
        using var sdist = Archives.TarGz([.. Padding(DistributionArchive.MaxScannedEntries - 1), Archives.File("foo-1.0/PKG-INFO", PkgInfo)]);

        Assert.Equal(PkgInfo, DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
    }

    [Fact]
    public void PKG_INFO_beyond_MaxScannedEntries_entries_is_not_looked_for()
    {
        using var sdist = Archives.TarGz([.. Padding(DistributionArchive.MaxScannedEntries), Archives.File("foo-1.0/PKG-INFO", PkgInfo)]);

        Assert.Null(DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));
    }

    [Theory]
    [InlineData("foo-1.0.tar.gz", "not a valid tar.gz archive")]
    [InlineData("foo-1.0.tgz", "not a valid tar.gz archive")]
    [InlineData("foo-1.0.zip", "not a valid zip archive")]
    public void Bytes_that_are_not_the_named_format_are_rejected_in_words(string fileName, string message)
    {
        using var notAnArchive = Archives.Bytes("this is plain text and not an archive of any kind, at some length\n");

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(notAnArchive, Sdist(fileName)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_of_something_other_than_a_tar_is_rejected()
    {
        using var sdist = Archives.Gzip(Encoding.UTF8.GetBytes(new string('x', 2048)));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sdist, Sdist("foo-1.0.tar.gz")));

        Assert.StartsWith("not a valid tar.gz archive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo-1.0.tar.gz")]
    [InlineData("foo-1.0.zip")]
    public void PKG_INFO_larger_than_the_cap_is_rejected(string fileName)
    {
        var huge = new byte[5 * 1024 * 1024];
        using var sdist = fileName.EndsWith(".zip", StringComparison.Ordinal)
            ? Archives.Zip(Archives.File("foo-1.0/PKG-INFO", huge))
            : Archives.TarGz(Archives.File("foo-1.0/PKG-INFO", huge));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadSdistPkgInfo(sdist, Sdist(fileName), 1024 * 1024));

        Assert.Equal("PKG-INFO is larger than 1048576 bytes", error.Message);
    }

    private static IEnumerable<(string Name, byte[] Content)> Padding(int count) =>
        Enumerable.Range(0, count).Select(i => Archives.File($"foo-1.0/data/{i}.txt", []));

    private static SdistFilename Sdist(string fileName)
    {
        Assert.True(SdistFilename.TryParse(fileName, out var sdist));
        return sdist;
    }
}
