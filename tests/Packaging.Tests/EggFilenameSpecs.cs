namespace PypiForge.Packaging.Tests;

public sealed class EggFilenameSpecs
{
    [Theory]
    [InlineData("foo-1.0.egg", "foo", "1.0", null, null)]
    [InlineData("foo_bar-1.0-py2.7.egg", "foo_bar", "1.0", "2.7", null)]
    [InlineData("setuptools-0.6c11-py2.7.egg", "setuptools", "0.6c11", "2.7", null)]
    [InlineData("psycopg2-2.8.6-py3.8-linux-x86_64.egg", "psycopg2", "2.8.6", "3.8", "linux-x86_64")]
    [InlineData("pywin32-1.0-py2.7-win32.egg", "pywin32", "1.0", "2.7", "win32")]
    [InlineData("lxml-2.3-py2.6-macosx-10.6-intel.EGG", "lxml", "2.3", "2.6", "macosx-10.6-intel")]
    public void Name_version_python_and_platform_are_found(
        string fileName, string project, string version, string? python, string? platform)
    {
        Assert.True(EggFilename.TryParse(fileName, out var egg));

        Assert.Equal(project, egg.Project);
        Assert.Equal(version, egg.Version);
        Assert.Equal(python, egg.PythonVersion);
        Assert.Equal(platform, egg.Platform);
        Assert.Equal(DistributionKind.Egg, egg.Kind);
    }

    [Fact]
    public void Underscores_in_egg_names_stand_for_hyphens()
    {
        Assert.True(EggFilename.TryParse("foo_bar-1.0-py2.7.egg", out var egg));

        Assert.Equal("foo-bar", egg.NormalizedProject);
    }

    [Theory]
    [InlineData("foo.egg")] // no version
    [InlineData("foo-.egg")]
    [InlineData("foo-1.0-2.7.egg")] // Python version without "py"
    [InlineData("foo-1.0-pyX.egg")]
    [InlineData("foo-1.0-py2.7-.egg")]
    [InlineData("$foo-1.0.egg")]
    [InlineData("foo-1.0.egg-info")]
    public void Names_outside_the_egg_pattern_are_rejected(string fileName)
    {
        Assert.False(EggFilename.TryParse(fileName, out var egg));
        Assert.Null(egg);
    }
}
