using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Whether the index serves a setuptools and a wheel each target can install, by their tags and Requires-Python.</summary>
public sealed class BuildBackendsSpecs
{
    private const string Py2Compatible = ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*";

    private static readonly (string File, string? RequiresPython)[] Today =
    [
        ("setuptools-65.5.0-py3-none-any.whl", ">=3.7"),
        ("wheel-0.38.4-py3-none-any.whl", ">=3.7"),
    ];

    [Theory]
    [InlineData("cp311-cp311-linux_x86_64")]
    [InlineData("cp37-cp37m-linux_x86_64")]
    [InlineData("pp73-pypy73-linux_x86_64")] // PyPy: which Python it implements is not in the name
    public void A_target_that_runs_todays_back_ends_gets_no_warning(string target)
    {
        Assert.Null(BuildBackends.Problem(target, Catalog(Today)));
    }

    [Fact]
    public void Python_2_7_with_only_py3_back_ends_is_told_what_to_drop_in()
    {
        var problem = BuildBackends.Problem("cp27-cp27mu-linux_x86_64", Catalog(Today));

        Assert.NotNull(problem);
        Assert.StartsWith("Build target cp27-cp27mu-linux_x86_64 (Python 2.7) cannot install a build back-end this index serves: ", problem, StringComparison.Ordinal);
        Assert.Contains("setuptools (the index serves only setuptools-65.5.0-py3-none-any.whl (Requires-Python >=3.7))", problem, StringComparison.Ordinal);
        Assert.Contains("setuptools-44.1.1-py2.py3-none-any.whl and wheel-0.34.2-py2.py3-none-any.whl", problem, StringComparison.Ordinal);
        Assert.Contains("python-pip-whl", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Python_3_6_is_told_of_the_last_back_ends_that_run_there()
    {
        var problem = BuildBackends.Problem("cp36-cp36m-linux_x86_64", Catalog(Today));

        Assert.Contains("setuptools-59.6.0-py3-none-any.whl and wheel-0.37.1-py2.py3-none-any.whl", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_without_back_ends_says_none_is_served()
    {
        var problem = BuildBackends.Problem("cp311-cp311-linux_x86_64", Catalog([]));

        Assert.Contains("setuptools (none is served); wheel (none is served)", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setuptools-44.1.1-py2.py3-none-any.whl", Py2Compatible, "wheel-0.34.2-py2.py3-none-any.whl", Py2Compatible, null)]
    [InlineData("setuptools-44.1.1-py2.py3-none-any.whl", null, "wheel-0.34.2-py2.py3-none-any.whl", null, null)] // no Requires-Python: any
    [InlineData("setuptools-44.1.1-py2.py3-none-any.whl", Py2Compatible, "wheel-0.38.4-py3-none-any.whl", null, "wheel")] // py3 only by its tag
    [InlineData("setuptools-44.1.1-py2.py3-none-any.whl", ">=3.5", "wheel-0.34.2-py2.py3-none-any.whl", Py2Compatible, "setuptools")] // by Requires-Python
    [InlineData("setuptools-44.1.1-py27-none-any.whl", Py2Compatible, "wheel-0.34.2-py2-none-any.whl", Py2Compatible, null)]
    public void Python_2_7_with_fitting_back_ends_next_to_todays_gets_no_warning(string setuptools, string? setuptoolsPython, string wheel, string? wheelPython, string? missing)
    {
        var problem = BuildBackends.Problem("cp27-cp27mu-linux_x86_64", Catalog([.. Today, (setuptools, setuptoolsPython), (wheel, wheelPython)]));

        if (missing is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains($"{missing} (the index serves only", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_yanked_back_end_does_not_count()
    {
        var catalog = CatalogSnapshot.Create([
            File("setuptools-44.1.1-py2.py3-none-any.whl", Py2Compatible, yanked: "broken"),
            File("wheel-0.34.2-py2.py3-none-any.whl", Py2Compatible)]);

        Assert.Contains("setuptools (none is served)", BuildBackends.Problem("cp27-cp27mu-linux_x86_64", catalog), StringComparison.Ordinal);
    }

    private static CatalogSnapshot Catalog(IEnumerable<(string File, string? RequiresPython)> files) =>
        CatalogSnapshot.Create(files.Select(static f => File(f.File, f.RequiresPython)));

    private static CatalogFile File(string name, string? requiresPython, string? yanked = null)
    {
        Assert.True(DistributionFilename.TryParse(name, out var distribution));
        return new CatalogFile(name, distribution, 1000, DateTimeOffset.UnixEpoch, new string('0', 64), null, null, requiresPython, DateTimeOffset.UnixEpoch, yanked);
    }
}
