namespace PypiForge.Packaging.Tests;

public sealed class SdistFilenameSpecs
{
    [Theory]
    // PEP 625 names: normalized project with "_", normalized version, ".tar.gz"
    [InlineData("my_pkg-1.0.tar.gz", "my_pkg", "1.0", ".tar.gz")]
    [InlineData("zope_interface-5.0.0a1.tar.gz", "zope_interface", "5.0.0a1", ".tar.gz")]
    // Legacy names: hyphens in the project, a version choosing the split
    [InlineData("python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2", ".tar.gz")]
    [InlineData("foo-bar-1.0.tar.gz", "foo-bar", "1.0", ".tar.gz")]
    [InlineData("pytz-2023.3.post1.tar.gz", "pytz", "2023.3.post1", ".tar.gz")]
    [InlineData("foo-2-1.0.tar.gz", "foo-2", "1.0", ".tar.gz")]
    [InlineData("Django-1.11.29.tar.gz", "Django", "1.11.29", ".tar.gz")]
    [InlineData("zope.interface-5.0.tar.gz", "zope.interface", "5.0", ".tar.gz")]
    [InlineData("foo-1.0-1.tar.gz", "foo", "1.0-1", ".tar.gz")] // "1.0-1" is a PEP 440 post-release
    [InlineData("foo-v1.0.tar.gz", "foo", "v1.0", ".tar.gz")]
    [InlineData("foo-v2-1.0.tar.gz", "foo-v2", "1.0", ".tar.gz")]
    // Legacy, non-PEP 440 versions: the leftmost hyphen before a digit
    [InlineData("foo-1.0-final-x.tar.gz", "foo", "1.0-final-x", ".tar.gz")]
    [InlineData("foo-bar-2.0-SNAPSHOT.tar.gz", "foo-bar", "2.0-SNAPSHOT", ".tar.gz")]
    // Every extension, in any case
    [InlineData("my_pkg-1.0.zip", "my_pkg", "1.0", ".zip")]
    [InlineData("foo-1.0.tgz", "foo", "1.0", ".tgz")]
    [InlineData("foo-1.0.tar.bz2", "foo", "1.0", ".tar.bz2")]
    [InlineData("foo-1.0.tar.xz", "foo", "1.0", ".tar.xz")]
    [InlineData("foo-1.0.tar", "foo", "1.0", ".tar")]
    [InlineData("Foo-1.0.TAR.GZ", "Foo", "1.0", ".tar.gz")]
    public void Project_version_and_extension_are_found(string fileName, string project, string version, string extension)
    {
        Assert.True(SdistFilename.TryParse(fileName, out var sdist));

        Assert.Equal(fileName, sdist.FileName);
        Assert.Equal(project, sdist.Project);
        Assert.Equal(version, sdist.Version);
        Assert.Equal(extension, sdist.Extension);
        Assert.Equal(DistributionKind.Sdist, sdist.Kind);
    }

    [Theory]
    [InlineData("nover.tar.gz")] // no version
    [InlineData("foo-bar.tar.gz")] // no hyphen before a digit
    [InlineData("foo-.tar.gz")]
    [InlineData("-1.0.tar.gz")]
    [InlineData("foo_-1.0.tar.gz")] // no valid project name left of any candidate
    [InlineData(".tar.gz")]
    [InlineData("foo-1.0.gz")]
    [InlineData("foo-1.0.rar")]
    [InlineData("foo-1.0.tar.zst")]
    [InlineData("foo-1.0")]
    [InlineData("dir/foo-1.0.tar.gz")]
    public void Names_without_a_project_a_version_or_a_known_extension_are_rejected(string fileName)
    {
        Assert.False(SdistFilename.TryParse(fileName, out var sdist));
        Assert.Null(sdist);
    }

    [Theory]
    [InlineData("my_pkg-1.0.tar.gz", true)]
    [InlineData("pkg-1.0.0a1.tar.gz", true)]
    [InlineData("my-pkg-1.0.tar.gz", false)] // hyphen in the name
    [InlineData("My_Pkg-1.0.tar.gz", false)] // not normalized
    [InlineData("my.pkg-1.0.tar.gz", false)]
    [InlineData("my_pkg-1.0-1.tar.gz", false)] // version not normalized
    [InlineData("my_pkg-1.0.zip", false)] // PEP 625 allows .tar.gz only
    [InlineData("my_pkg-1.0-final.tar.gz", false)] // not a PEP 440 version
    public void PEP_625_names_are_recognised(string fileName, bool expected)
    {
        Assert.True(SdistFilename.TryParse(fileName, out var sdist));

        Assert.Equal(expected, sdist.IsPep625);
    }
}
