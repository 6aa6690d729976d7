using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>When a requirement is not applicable to a target's Python: no release the index offers that matches it (as pip
/// picks releases) has a Requires-Python admitting that Python. Whatever cannot be judged is left to pip.</summary>
public sealed class ApplicabilitySpecs
{
    private const string Cp27 = "cp27-cp27mu-linux_x86_64";
    private const string Py2Compatible = ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*";

    private static readonly TargetPython Python2718 = TargetPython.Of(Cp27, "2.7.18")!;
    private static readonly TargetPython Python311 = TargetPython.Of("cp311-cp311-linux_x86_64", "3.11.7")!;

    [Fact]
    public void A_pinned_release_whose_Requires_Python_excludes_the_target_says_which_release_needs_which_Python()
    {
        var reason = Excludes("jinja2==3.1.2", [new("3.1.2", ">=3.7", false), new("2.11.3", Py2Compatible, false)], Python2718, name: "Jinja2");

        Assert.Equal("Jinja2 3.1.2 requires Python >=3.7; cp27-cp27mu-linux_x86_64 is Python 2.7.18", reason);
    }

    [Fact]
    public void The_same_release_is_applicable_to_a_Python_it_admits() =>
        Assert.Null(Excludes("jinja2==3.1.2", [new("3.1.2", ">=3.7", false)], Python311));

    [Fact]
    public void An_unpinned_requirement_is_applicable_when_an_older_matching_release_supports_the_Python() =>
        Assert.Null(Excludes("jinja2", [new("3.1.2", ">=3.7", false), new("2.11.3", Py2Compatible, false)], Python2718));

    [Fact]
    public void An_unpinned_requirement_no_matching_release_supports_names_the_newest_and_says_none_do()
    {
        var reason = Excludes("jinja2>=3", [new("3.0.0", ">=3.6", false), new("3.1.2", ">=3.7", false), new("2.11.3", Py2Compatible, false)], Python2718, name: "Jinja2");

        Assert.Equal("Jinja2 3.1.2 requires Python >=3.7, and no release of Jinja2 matching >=3 supports Python 2.7.18; cp27-cp27mu-linux_x86_64 is Python 2.7.18", reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a specifier")]
    public void A_file_without_a_readable_Requires_Python_admits_every_Python(string? requiresPython) =>
        Assert.Null(Excludes("pf-x==1.0", [new("1.0", ">=3.7", false), new("1.0", requiresPython, false)], Python2718));

    [Fact]
    public void With_only_major_minor_known_a_micro_bound_is_left_to_pip()
    {
        var python37 = TargetPython.Of("cp37-cp37m-linux_x86_64", null)!;
        var python370 = TargetPython.Of("cp37-cp37m-linux_x86_64", "3.7.0")!;

        Assert.Null(Excludes("pf-x==1.0", [new("1.0", ">=3.7.1", false)], python37));
        Assert.NotNull(Excludes("pf-x==1.0", [new("1.0", ">=3.7.1", false)], python370));
        Assert.Equal("pf-x 1.0 requires Python >=3.8; cp37-cp37m-linux_x86_64 is Python 3.7", Excludes("pf-x==1.0", [new("1.0", ">=3.8", false)], python37));
    }

    [Fact]
    public void Pre_releases_count_with_pre_or_when_the_specifier_names_one()
    {
        ReleaseFile[] files = [new("1.0", ">=3.7", false), new("2.0b1", null, false)];

        Assert.NotNull(Excludes("pf-x", files, Python2718));
        Assert.Null(Excludes("pf-x", files, Python2718, prerelease: true));
        Assert.Null(Excludes("pf-x>=2.0b1", files, Python2718));
    }

    [Fact]
    public void When_only_pre_releases_match_pip_takes_them_and_so_does_this() =>
        Assert.Null(Excludes("pf-x>=2", [new("1.0", ">=3.7", false), new("2.0rc1", Py2Compatible, false)], Python2718));

    [Fact]
    public void Yanked_files_count_only_when_nothing_else_matches()
    {
        Assert.NotNull(Excludes("pf-x", [new("1.0", null, true), new("1.1", ">=3.7", false)], Python2718));
        Assert.Null(Excludes("pf-x==1.0", [new("1.0", null, true), new("1.1", ">=3.7", false)], Python2718));
    }

    [Theory]
    // A marker may leave the requirement out on that Python; no matching release at all is pip's to report.
    [InlineData("pf-x==1.0; python_version >= \"3\"")]
    [InlineData("pf-x==9.9")]
    public void What_cannot_be_judged_is_left_to_pip(string requirement) =>
        Assert.Null(Excludes(requirement, [new("1.0", ">=3.7", false)], Python2718));

    [Theory]
    [InlineData("cp311-cp311-linux_x86_64", null, "Python 3.11")]
    [InlineData("cp27-cp27mu-linux_x86_64", "2.7.18", "Python 2.7.18")]
    [InlineData("cp36-cp36m-linux_i686", "3.6.15", "Python 3.6.15")]
    [InlineData("cp313-cp313-linux_aarch64", "3.13.0", "Python 3.13.0")]
    [InlineData("pp310-pypy310_pp73-linux_x86_64", null, "Python 3.10")]
    // A reported version of another Python (a misconfigured agent) is not believed.
    [InlineData("cp311-cp311-linux_x86_64", "3.12.1", "Python 3.11")]
    [InlineData("cp311-cp311-linux_x86_64", "nonsense", "Python 3.11")]
    public void A_targets_Python_comes_from_its_interpreter_tag_and_the_version_its_agent_reported(string target, string? version, string described) =>
        Assert.Equal(described, TargetPython.Of(target, version)!.Describe());

    [Theory]
    [InlineData("pp73-pypy_73-linux_x86_64")]
    [InlineData("py3-none-any")]
    [InlineData("cpx1-none-any")]
    [InlineData("not-a-tag")]
    [InlineData("")]
    public void A_tag_that_does_not_name_a_Python_version_leaves_the_target_to_pip(string target) =>
        Assert.Null(TargetPython.Of(target, null));

    [Theory]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Succeeded }, TargetState.Succeeded)]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Queued }, TargetState.Queued)]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Running }, TargetState.Running)]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Succeeded, TargetState.Queued }, TargetState.Running)]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Failed }, TargetState.Failed)]
    [InlineData(new[] { TargetState.NotApplicable, TargetState.Cancelled }, TargetState.Cancelled)]
    public void Not_applicable_targets_do_not_count_in_the_builds_state(TargetState[] targets, TargetState build) =>
        Assert.Equal(build, BuildRecord.StateOf(targets));

    private static string? Excludes(string requirement, IReadOnlyList<ReleaseFile> files, TargetPython python, bool prerelease = false, string name = "pf-x") =>
        Applicability.Excludes(Requirement.Parse(requirement), prerelease, name, files, python);
}
