namespace PypiForge.Packaging.Tests;

public sealed class WheelTagSpecs
{
    [Theory]
    [InlineData("cp311-cp311-linux_x86_64", "cp311", "cp311", "linux_x86_64")]
    [InlineData("py3-none-any", "py3", "none", "any")]
    [InlineData("cp37-abi3-macosx_10_9_x86_64", "cp37", "abi3", "macosx_10_9_x86_64")]
    [InlineData("pp310-pypy310_pp73-win_amd64", "pp310", "pypy310_pp73", "win_amd64")]
    public void A_tag_has_interpreter_abi_and_platform(string text, string interpreter, string abi, string platform)
    {
        Assert.True(WheelTag.TryParse(text, out var tag));

        Assert.Equal(new WheelTag(interpreter, abi, platform), tag);
        Assert.Equal(text, tag.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("py3-none")]
    [InlineData("py3-none-any-extra")]
    [InlineData("py3--any")]
    [InlineData("py2.py3-none-any")] // a compressed set is several tags, not one
    [InlineData("py3-none-linux-x86_64")]
    [InlineData("py3-none-any ")]
    public void Anything_but_one_three_part_tag_is_rejected(string? text)
    {
        Assert.False(WheelTag.TryParse(text, out var tag));
        Assert.Null(tag);
    }
}
