namespace PypiForge.Packaging.Tests;

public sealed class WheelFilenameSpecs
{
    [Fact]
    public void PEP_427_example_with_a_build_tag()
    {
        Assert.True(WheelFilename.TryParse("distribution-1.0-1-py27-none-any.whl", out var wheel));

        Assert.Equal("distribution", wheel.Project);
        Assert.Equal("1.0", wheel.Version);
        Assert.Equal("1", wheel.BuildTag);
        Assert.Equal(["py27"], wheel.PythonTags);
        Assert.Equal(["none"], wheel.AbiTags);
        Assert.Equal(["any"], wheel.PlatformTags);
        Assert.Equal(DistributionKind.Wheel, wheel.Kind);
        Assert.True(wheel.IsPure);
    }

    [Fact]
    public void A_wheel_without_a_build_tag()
    {
        Assert.True(WheelFilename.TryParse("pip-23.2.1-py3-none-any.whl", out var wheel));

        Assert.Equal("pip", wheel.Project);
        Assert.Equal("23.2.1", wheel.Version);
        Assert.Null(wheel.BuildTag);
        Assert.Equal([new WheelTag("py3", "none", "any")], wheel.Tags);
    }

    [Fact]
    public void PEP_425_compressed_tag_sets_expand_to_every_combination()
    {
        Assert.True(WheelFilename.TryParse("simple-0.1-py2.py3-none-any.whl", out var wheel));

        Assert.Equal(["py2", "py3"], wheel.PythonTags);
        Assert.Equal(["py2-none-any", "py3-none-any"], wheel.Tags.Select(t => t.ToString()));
    }

    [Fact]
    public void Compressed_platform_tags_of_a_manylinux_wheel()
    {
        const string name = "numpy-1.26.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";

        Assert.True(WheelFilename.TryParse(name, out var wheel));

        Assert.Equal(["manylinux_2_17_x86_64", "manylinux2014_x86_64"], wheel.PlatformTags);
        Assert.Equal(
            [new WheelTag("cp311", "cp311", "manylinux_2_17_x86_64"), new WheelTag("cp311", "cp311", "manylinux2014_x86_64")],
            wheel.Tags);
        Assert.False(wheel.IsPure);
    }

    [Fact]
    public void Tag_expansion_is_the_cartesian_product_in_order()
    {
        Assert.True(WheelFilename.TryParse("x-1.0-cp38.cp39-abi3.none-linux_x86_64.win32.whl", out var wheel));

        Assert.Equal(
            [
                "cp38-abi3-linux_x86_64", "cp38-abi3-win32", "cp38-none-linux_x86_64", "cp38-none-win32",
                "cp39-abi3-linux_x86_64", "cp39-abi3-win32", "cp39-none-linux_x86_64", "cp39-none-win32",
            ],
            wheel.Tags.Select(t => t.ToString()));
    }

    [Theory]
    [InlineData("foo_bar-1.0-py3-none-any.whl", "foo_bar", "foo-bar", "1.0")]
    [InlineData("Foo.Bar-1.0-py3-none-any.whl", "Foo.Bar", "foo-bar", "1.0")]
    [InlineData("torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl", "torch", "torch", "2.1.0+cpu")]
    [InlineData("pkg-1.0.post1.dev2-py3-none-any.whl", "pkg", "pkg", "1.0.post1.dev2")]
    [InlineData("Pkg-1.0-py3-none-any.WHL", "Pkg", "pkg", "1.0")]
    public void Project_and_version_are_kept_as_spelled(string fileName, string project, string normalized, string version)
    {
        Assert.True(WheelFilename.TryParse(fileName, out var wheel));

        Assert.Equal(fileName, wheel.FileName);
        Assert.Equal(project, wheel.Project);
        Assert.Equal(normalized, wheel.NormalizedProject);
        Assert.Equal(version, wheel.Version);
    }

    [Theory]
    [InlineData("foo-1.0-1-py3-none-any.whl", "1")]
    [InlineData("foo-1.0-20240101-py3-none-any.whl", "20240101")]
    [InlineData("foo-1.0-2_local.x-py3-none-any.whl", "2_local.x")]
    public void Build_tags_start_with_a_digit(string fileName, string buildTag)
    {
        Assert.True(WheelFilename.TryParse(fileName, out var wheel));

        Assert.Equal(buildTag, wheel.BuildTag);
    }

    [Theory]
    [InlineData("foo-1.0-py3-none.whl")] // a tag is missing
    [InlineData("foo-1.0-1-2-py3-none-any.whl")] // one field too many
    [InlineData("foo-1.0-abc-py3-none-any.whl")] // build tag not starting with a digit
    [InlineData("foo-1.0-1$-py3-none-any.whl")] // build tag with a character no tool writes
    [InlineData("foo-notaversion-py3-none-any.whl")]
    [InlineData("foo-1.0_1-py3-none-any.whl")]
    [InlineData("foo$bar-1.0-py3-none-any.whl")]
    [InlineData("_foo-1.0-py3-none-any.whl")]
    [InlineData("-1.0-py3-none-any.whl")]
    [InlineData("foo-1.0-py3-none-.whl")]
    [InlineData("foo-1.0-py3..py2-none-any.whl")]
    [InlineData("foo-1.0-py3.-none-any.whl")]
    [InlineData("foo-1.0-py3-none-any+x.whl")]
    [InlineData("foo-1.0-py3-none-any.zip")]
    [InlineData("foo-1.0-py3-none-any.whl.zip")]
    [InlineData(".whl")]
    [InlineData("../foo-1.0-py3-none-any.whl")]
    [InlineData("foo-1.0-py3-none-any .whl")]
    public void Names_that_break_PEP_427_are_rejected(string fileName)
    {
        Assert.False(WheelFilename.TryParse(fileName, out var wheel));
        Assert.Null(wheel);
    }

    [Fact]
    public void Two_parses_of_one_name_are_equal()
    {
        var first = Parse("simple-0.1-py2.py3-none-any.whl");
        var second = Parse("simple-0.1-py2.py3-none-any.whl");

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, Parse("simple-0.2-py2.py3-none-any.whl"));
    }

    [Fact]
    public void A_wheel_prints_as_its_file_name()
    {
        Assert.Equal("simple-0.1-py2.py3-none-any.whl", Parse("simple-0.1-py2.py3-none-any.whl").ToString());
    }

    private static WheelFilename Parse(string fileName)
    {
        Assert.True(WheelFilename.TryParse(fileName, out var wheel), fileName);
        return wheel;
    }
}
