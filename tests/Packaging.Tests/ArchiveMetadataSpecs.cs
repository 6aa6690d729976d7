namespace PypiForge.Packaging.Tests;

/// <summary>The one "archive agrees with its file name" rule that uploads, built wheels and the catalog apply.</summary>
public sealed class ArchiveMetadataSpecs
{
    [Theory]
    [InlineData("Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0\n", null)]
    [InlineData("Metadata-Version: 2.1\nName: foo-bar\nVersion: 1.0.0\n", null)]
    [InlineData("Metadata-Version: 2.1\nName: foo-bar\nVersion: 9.0\n", "its metadata says version '9.0', but the file name says '1.0'")]
    [InlineData("Metadata-Version: 2.1\nName: other\nVersion: 1.0\n", "its metadata names the project 'other', but the file name says 'foo_bar'")]
    [InlineData("Metadata-Version: 2.1\nName: foo-bar\n", "its metadata has no Name or Version field")]
    public void A_wheel_agrees_when_its_METADATA_names_the_file_names_project_and_version(string metadata, string? problem)
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", metadata));

        var read = ArchiveMetadata.Read(wheel, Parse("foo_bar-1.0-py3-none-any.whl"));

        Assert.Equal(problem, read.Problem);
        Assert.Equal(problem is null, read.Agrees);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(metadata), read.Bytes);
    }

    [Fact]
    public void A_wheel_that_agrees_gives_its_trimmed_requires_python()
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", "Name: foo-bar\nVersion: 1.0\nRequires-Python:  >=3.8 \n"));

        Assert.Equal(">=3.8", ArchiveMetadata.Read(wheel, Parse("foo_bar-1.0-py3-none-any.whl")).RequiresPython);
    }

    [Fact]
    public void An_sdists_contradicting_PKG_INFO_is_ignored_not_refused()
    {
        using var sdist = Archives.TarGz(Archives.File("foo-1.0/PKG-INFO", "Name: foo\nVersion: 2.0\nRequires-Python: >=3.8\n"));

        var read = ArchiveMetadata.Read(sdist, Parse("foo-1.0.tar.gz"));

        Assert.True(read.Agrees);
        Assert.Null(read.Metadata);
        Assert.Null(read.RequiresPython);
    }

    [Fact]
    public void An_sdists_agreeing_PKG_INFO_is_kept()
    {
        using var sdist = Archives.TarGz(Archives.File("foo-1.0/PKG-INFO", "Name: foo\nVersion: 1.0\nRequires-Python: >=3.8\n"));

        var read = ArchiveMetadata.Read(sdist, Parse("foo-1.0.tar.gz"));

        Assert.Equal("foo", read.Metadata?.Name);
        Assert.Equal(">=3.8", read.RequiresPython);
        Assert.Null(read.Bytes);
    }

    [Fact]
    public void An_unreadable_wheel_is_an_invalid_distribution()
    {
        using var garbage = new MemoryStream([1, 2, 3, 4]);

        Assert.Throws<InvalidDistributionException>(() => ArchiveMetadata.Read(garbage, Parse("foo_bar-1.0-py3-none-any.whl")));
    }

    private static DistributionFilename Parse(string fileName)
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));
        return parsed;
    }
}
