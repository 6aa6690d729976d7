using System.Text;

namespace PypiForge.Packaging.Tests;

public sealed class WheelMetadataArchiveSpecs
{
    // CRLF, trailing spaces and no final newline: PEP 658 serves the file byte for byte.
    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes("Metadata-Version: 2.1\r\nName: Foo.Bar  \r\nVersion: 1.0\r\n\r\nBody");

    private static readonly WheelFilename FooBar = Wheel("foo_bar-1.0-py3-none-any.whl");

    [Fact]
    public void The_exact_bytes_of_METADATA_are_returned()
    {
        using var wheel = Archives.Zip(
            Archives.File("foo_bar/__init__.py", ""),
            Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata),
            Archives.File("foo_bar-1.0.dist-info/RECORD", "foo_bar/__init__.py,,\n"));

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, FooBar));
    }

    [Fact]
    public void Bytes_that_are_not_a_zip_archive_are_rejected_in_words()
    {
        using var notAZip = Archives.Bytes("this is not a zip archive, just some text uploaded as a wheel");

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(notAZip, FooBar));

        Assert.StartsWith("not a valid zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_upload_is_not_a_zip_archive()
    {
        using var empty = new MemoryStream();

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(empty, FooBar));

        Assert.StartsWith("not a valid zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wheel_without_METADATA_is_rejected()
    {
        using var wheel = Archives.Zip(
            Archives.File("foo_bar/__init__.py", ""),
            Archives.File("foo_bar-1.0.dist-info/RECORD", ""));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.Equal("no *.dist-info/METADATA file", error.Message);
    }

    [Fact]
    public void A_dist_info_directory_below_the_top_level_does_not_count()
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar/_vendor/foo_bar-1.0.dist-info/METADATA", Metadata));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.Equal("no *.dist-info/METADATA file", error.Message);
    }

    [Fact]
    public void METADATA_that_inflates_beyond_the_cap_is_rejected()
    {
        // 5 MB of zeros deflate to a few kilobytes: the declared size is not what protects us.
        using var bomb = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", new byte[5 * 1024 * 1024]));
        Assert.True(bomb.Length < 64 * 1024);

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(bomb, FooBar, 1024 * 1024));

        Assert.Equal("METADATA is larger than 1048576 bytes", error.Message);
    }

    [Fact]
    public void METADATA_of_exactly_the_cap_is_accepted()
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata));

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, FooBar, Metadata.Length));
        wheel.Position = 0;
        Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar, Metadata.Length - 1));
    }

    [Fact]
    public void The_default_cap_is_one_mebibyte()
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", new byte[DistributionArchive.DefaultMaxMetadataBytes + 1]));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.Equal(1024 * 1024, DistributionArchive.DefaultMaxMetadataBytes);
        Assert.Equal("METADATA is larger than 1048576 bytes", error.Message);
    }

    [Fact]
    public void Among_several_dist_info_directories_the_one_of_the_project_is_read()
    {
        // Names compare normalized: Foo.Bar is foo_bar.
        using var wheel = Archives.Zip(
            Archives.File("vendored-2.0.dist-info/METADATA", "Name: vendored\n"),
            Archives.File("Foo.Bar-1.0.dist-info/METADATA", Metadata),
            Archives.File("zzz-3.0.dist-info/METADATA", "Name: zzz\n"));

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, FooBar));
    }

    [Fact]
    public void Among_dist_info_directories_of_the_project_the_one_of_the_version_is_read()
    {
        using var wheel = Archives.Zip(
            Archives.File("foo_bar-0.9.dist-info/METADATA", "Name: foo_bar\nVersion: 0.9\n"),
            Archives.File("foo_bar-1.0.0.dist-info/METADATA", Metadata));

        Assert.Equal(Metadata, DistributionArchive.ReadWheelMetadata(wheel, FooBar));
    }

    [Fact]
    public void A_dist_info_directory_of_another_project_is_rejected()
    {
        using var wheel = Archives.Zip(Archives.File("other-1.0.dist-info/METADATA", Metadata));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.Equal("no *.dist-info/METADATA file for project 'foo-bar'", error.Message);
    }

    [Fact]
    public void Two_METADATA_entries_with_one_name_are_ambiguous()
    {
        using var wheel = Archives.Zip(
            Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata),
            Archives.File("foo_bar-1.0.dist-info/METADATA", "Name: evil\n"));

        var error = Assert.Throws<InvalidDistributionException>(() => DistributionArchive.ReadWheelMetadata(wheel, FooBar));

        Assert.Equal("more than one *.dist-info/METADATA file for project 'foo-bar'", error.Message);
    }

    [Fact]
    public void The_stream_is_left_open_for_the_caller()
    {
        using var wheel = Archives.Zip(Archives.File("foo_bar-1.0.dist-info/METADATA", Metadata));

        DistributionArchive.ReadWheelMetadata(wheel, FooBar);

        Assert.True(wheel.CanRead);
    }

    private static WheelFilename Wheel(string fileName)
    {
        Assert.True(WheelFilename.TryParse(fileName, out var wheel));
        return wheel;
    }
}
