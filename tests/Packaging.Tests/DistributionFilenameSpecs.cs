namespace PypiForge.Packaging.Tests;

public sealed class DistributionFilenameSpecs
{
    [Theory]
    [InlineData("pip-23.2.1-py3-none-any.whl", typeof(WheelFilename), DistributionKind.Wheel)]
    [InlineData("pip-23.2.1-py3-none-any.WHL", typeof(WheelFilename), DistributionKind.Wheel)]
    [InlineData("pip-23.2.1.tar.gz", typeof(SdistFilename), DistributionKind.Sdist)]
    [InlineData("pip-23.2.1.zip", typeof(SdistFilename), DistributionKind.Sdist)]
    [InlineData("pip-1.0-py2.7.egg", typeof(EggFilename), DistributionKind.Egg)]
    public void The_extension_chooses_the_kind(string fileName, Type type, DistributionKind kind)
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));

        Assert.IsType(type, parsed);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(fileName, parsed.ToString());
    }

    [Theory]
    [InlineData("pip-23.2.1-py3-none-any.whl", "pip", "23.2.1")]
    [InlineData("python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2")]
    [InlineData("Foo_Bar-1.0-py2.7.egg", "foo-bar", "1.0")]
    public void Every_kind_exposes_project_and_version(string fileName, string normalizedProject, string version)
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));

        Assert.Equal(normalizedProject, parsed.NormalizedProject);
        Assert.Equal(version, parsed.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pip-23.2.1.exe")]
    [InlineData("pip-23.2.1.msi")]
    [InlineData("pip-23.2.1.rpm")]
    [InlineData("pip-23.2.1-py3-none.whl")] // a wheel extension does not fall back to other kinds
    [InlineData("pip.egg")]
    public void Unknown_extensions_and_malformed_names_are_rejected(string? fileName)
    {
        Assert.False(DistributionFilename.TryParse(fileName, out var parsed));
        Assert.Null(parsed);
    }

    [Theory]
    [InlineData("dir/pip-23.2.1.tar.gz")]
    [InlineData("dir\\pip-23.2.1.tar.gz")]
    [InlineData("/pip-23.2.1.tar.gz")]
    [InlineData("pip-23.2.1\0.tar.gz")]
    [InlineData("pip-23.2.1.tar.gz\0")]
    [InlineData("pip-23.2.1\n.tar.gz")]
    [InlineData("pip\u001b-23.2.1.tar.gz")] // ESC
    [InlineData("pip-23.2.1\u0085.tar.gz")] // NEXT LINE, a C1 control
    [InlineData("pip 23.2.1.tar.gz")]
    [InlineData("pip-23.2.1 .tar.gz")]
    [InlineData("pip-23.2.1-py3-none-any\u00a0.whl")]
    public void Names_that_are_not_plain_file_names_are_rejected(string fileName)
    {
        Assert.False(DistributionFilename.TryParse(fileName, out _));
    }

    [Fact]
    public void File_names_are_limited_to_255_characters()
    {
        // A 200-character project and a version padded with ".0" to reach the length wanted.
        static string Name(int length) => new string('a', 200) + "-1" + string.Concat(Enumerable.Repeat(".0", (length - 209) / 2)) + ".tar.gz";

        Assert.Equal(255, Name(255).Length);
        Assert.True(DistributionFilename.TryParse(Name(255), out _));
        Assert.False(DistributionFilename.TryParse(Name(257), out _));
    }
}
