using PypiForge.Agent.Targets;
using PypiForge.Packaging;

namespace PypiForge.Agent.Tests.Targets;

public sealed class BuildTargetSpecs
{
    // Abridged from what pip 23.2 (3.11, 3.10) and pip 19.2.3 (2.7) list on this machine.
    private static readonly BuildTarget Cp311 = Target("cp311", "cp311",
        "cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64", "cp311-cp311-linux_x86_64",
        "cp311-abi3-linux_x86_64", "py3-none-linux_x86_64", "cp311-none-any", "py311-none-any", "py3-none-any", "py30-none-any");

    private static readonly BuildTarget Cp310 = Target("cp310", "cp310",
        "cp310-cp310-manylinux_2_17_x86_64", "cp310-cp310-linux_x86_64", "cp310-abi3-linux_x86_64",
        "py3-none-linux_x86_64", "cp310-none-any", "py310-none-any", "py3-none-any", "py30-none-any");

    private static readonly BuildTarget Cp27 = Target("cp27", "cp27mu",
        "cp27-cp27mu-manylinux1_x86_64", "cp27-cp27mu-linux_x86_64", "cp27-none-linux_x86_64",
        "py2-none-linux_x86_64", "cp27-none-any", "py27-none-any", "py2-none-any", "py20-none-any");

    public static TheoryData<string, string, bool> Wheels => new()
    {
        { "cp311", "pf_cext-1.0-cp311-cp311-linux_x86_64.whl", true },
        { "cp310", "pf_cext-1.0-cp311-cp311-linux_x86_64.whl", false },
        { "cp27", "pf_cext-1.0-cp311-cp311-linux_x86_64.whl", false },
        { "cp311", "pf_cext-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", true },
        { "cp311", "pf_cext-1.0-cp310-abi3-linux_x86_64.whl", false },
        { "cp311", "pf_cext-1.0-cp311-cp311-win_amd64.whl", false },
        { "cp311", "pf_pure-1.0-py2.py3-none-any.whl", true },
        { "cp310", "pf_pure-1.0-py2.py3-none-any.whl", true },
        { "cp27", "pf_pure-1.0-py2.py3-none-any.whl", true },
        { "cp311", "pf_pure-2.0-py3-none-any.whl", true },
        { "cp27", "pf_pure-2.0-py3-none-any.whl", false },
        { "cp27", "pf_py2-1.0-py2-none-any.whl", true },
        { "cp311", "pf_py2-1.0-py2-none-any.whl", false },
        { "cp311", "pf_exact-1.0-py311-none-any.whl", true },
        { "cp310", "pf_exact-1.0-py311-none-any.whl", false },
        { "cp27", "pf_cext-1.0-cp27-cp27mu-linux_x86_64.whl", true },
        { "cp27", "pf_cext-1.0-cp27-cp27m-linux_x86_64.whl", false },
        { "cp311", "pf_upper-1.0-CP311-CP311-LINUX_X86_64.whl", true },
    };

    [Theory]
    [MemberData(nameof(Wheels))]
    public void Accepts_wheels_whose_tags_the_targets_pip_installs(string target, string fileName, bool accepted)
    {
        Assert.True(WheelFilename.TryParse(fileName, out var wheel));
        var buildTarget = target switch
        {
            "cp311" => Cp311,
            "cp310" => Cp310,
            _ => Cp27,
        };

        Assert.Equal(accepted, buildTarget.Accepts(wheel));
    }

    [Theory]
    [InlineData("cp311", "cp311", "linux_x86_64", "cp311-cp311-linux_x86_64")]
    [InlineData("cp27", "cp27mu", "linux_i686", "cp27-cp27mu-linux_i686")]
    [InlineData("cp313", "cp313t", "macosx_11_0_arm64", "cp313-cp313t-macosx_11_0_arm64")]
    [InlineData("PP39", "pypy39_pp73", "Linux_X86_64", "pp39-pypy39_pp73-linux_x86_64")]
    public void Is_named_by_its_tag_in_lowercase(string interpreter, string abi, string platform, string name) =>
        Assert.Equal(name, BuildTarget.NameFor(new WheelTag(interpreter, abi, platform)));

    [Fact]
    public void Refuses_a_tag_that_cannot_be_a_queue_name()
    {
        // WheelTag itself does not validate; a tag from a strange interpreter might hold anything.
        var exception = Assert.Throws<ArgumentException>(() => BuildTarget.NameFor(new WheelTag("cp311", "cp311", "linux x86_64")));

        Assert.Contains("linux x86_64", exception.Message, StringComparison.Ordinal);
        Assert.Contains("lowercase letters, digits, '_' and '-'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_another_discovery_of_the_same_interpreter()
    {
        var again = Cp311 with { Supported = [.. Cp311.Supported] };

        Assert.Equal(Cp311, again);
        Assert.Equal(Cp311.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(Cp311, Cp311 with { Supported = Cp311.Supported.Take(2).ToArray() });
    }

    private static BuildTarget Target(string interpreter, string abi, params string[] supported)
    {
        var tag = new WheelTag(interpreter, abi, "linux_x86_64");
        return new BuildTarget(
            BuildTarget.NameFor(tag), $"/usr/bin/python-{interpreter}", "3.x", tag,
            supported.Select(text => WheelTag.TryParse(text, out var parsed) ? parsed : throw new ArgumentException(text)).ToArray());
    }
}
