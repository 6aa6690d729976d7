using PypiForge.Packaging;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Which wheel tags a remote agent may publish for a target: what the target's installer could install, bounded
/// by the server (the agent's own list of supported tags is not trusted).</summary>
public sealed class WheelScopeSpecs
{
    [Theory]
    [InlineData("cp311-cp311-linux_x86_64", true)]
    [InlineData("cp39-abi3-linux_x86_64", true)]
    [InlineData("cp311-none-linux_x86_64", true)]
    [InlineData("py3-none-any", true)]
    [InlineData("py311-none-any", true)]
    [InlineData("py310-none-any", true)]
    [InlineData("cp311-none-any", true)]
    [InlineData("cp311-cp311-win_amd64", false)]
    [InlineData("cp311-cp311-linux_aarch64", false)]
    [InlineData("cp311-cp311-manylinux_2_17_x86_64", false)]
    [InlineData("cp312-cp312-linux_x86_64", false)]
    [InlineData("cp312-abi3-linux_x86_64", false)]
    [InlineData("py312-none-any", false)]
    [InlineData("cp310-cp310-linux_x86_64", false)]
    [InlineData("py2-none-any", false)]
    [InlineData("pp310-pypy310_pp73-linux_x86_64", false)]
    public void A_tag_fits_a_cp311_linux_x86_64_target_only_if_its_installer_could_install_it(string tag, bool fits)
    {
        Assert.Equal(fits, WheelScope.Fits(Tag(tag), Tag("cp311-cp311-linux_x86_64")));
    }

    private static WheelTag Tag(string text) => WheelTag.TryParse(text, out var tag) ? tag : throw new ArgumentException(text);
}
