using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Agent.Tests.Support;

namespace PypiForge.Agent.Tests.Targets;

public sealed class PlatformMachineSpecs
{
    // ELF headers' first 20 bytes: magic, class (1 = 32-bit, 2 = 64-bit), byte order, version, padding, type, machine.
    private const string X86_64 = "7f454c4602010100000000000000000003003e00";
    private const string I386 = "7f454c4601010100000000000000000003000300";
    private const string Aarch64 = "7f454c460201010000000000000000000300b700";
    private const string X32 = "7f454c4601010100000000000000000003003e00";

    private readonly TargetDiscovery _discovery = Sandboxes.Discovery(Sandboxes.Bubblewrap());

    [Theory]
    [InlineData("linux_x86_64", "x86_64", 64)]
    [InlineData("manylinux_2_17_x86_64", "x86_64", 64)]
    [InlineData("manylinux1_i686", "i386", 32)]
    [InlineData("linux_i686", "i386", 32)]
    [InlineData("linux_aarch64", "aarch64", 64)]
    [InlineData("musllinux_1_1_aarch64", "aarch64", 64)]
    [InlineData("linux_armv7l", "arm", 32)]
    public void Linux_platform_tags_name_their_code(string platform, string machine, int bits) =>
        Assert.Equal((new ElfMachine(machine), bits), PlatformMachine.For(platform));

    [Theory]
    [InlineData("win_amd64")]
    [InlineData("macosx_11_0_arm64")]
    [InlineData("any")]
    [InlineData("linux_sparc64")]
    public void Other_platforms_are_not_judged(string platform) => Assert.Null(PlatformMachine.For(platform));

    [Theory]
    [InlineData("linux_x86_64", X86_64)]
    [InlineData("linux_i686", I386)]
    [InlineData("linux_aarch64", Aarch64)]
    [InlineData("linux_x86_64", null)]
    [InlineData("linux_x86_64", "not hex")]
    [InlineData("linux_x86_64", "00112233")]
    [InlineData("win_amd64", X86_64)]
    public void A_program_of_the_platform_or_an_unknown_one_fits(string platform, string? header) =>
        Assert.Null(PlatformMachine.Mismatch(platform, header));

    [Theory]
    [InlineData("linux_i686", X86_64, "64-bit x86_64 program")]
    [InlineData("linux_x86_64", I386, "32-bit i386 program")]
    [InlineData("linux_x86_64", X32, "32-bit x86_64 program")]
    [InlineData("linux_aarch64", X86_64, "64-bit x86_64 program")]
    public void A_program_of_another_machine_or_word_size_does_not_fit(string platform, string header, string what)
    {
        var mismatch = PlatformMachine.Mismatch(platform, header);

        Assert.NotNull(mismatch);
        Assert.Contains(what, mismatch, StringComparison.Ordinal);
        Assert.Contains($"reports the platform {platform}", mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_64_bit_python_under_setarch_i686_is_refused_with_the_reason()
    {
        // The naive wrapper: the host's 64-bit Python under the i686 personality says linux-i686 (sysconfig) yet
        // compiles x86_64 code; before, discovery accepted it as cp311-cp311-linux_i686.
        using var wrapper = new FakeInterpreter("exec setarch i686 /usr/bin/python3 \"$@\"");

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync(wrapper.Path, CancellationToken.None));

        Assert.Contains("cannot build the wheels it names", exception.Message, StringComparison.Ordinal);
        Assert.Contains("reports the platform linux_i686 (32-bit i386 code)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("a 64-bit x86_64 program", exception.Message, StringComparison.Ordinal);
        Assert.Contains("make-build-root.sh", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_python_without_the_wrapper_is_a_target()
    {
        using var wrapper = new FakeInterpreter("exec /usr/bin/python3 \"$@\"");

        var target = await _discovery.DiscoverAsync(wrapper.Path, CancellationToken.None);

        Assert.Equal("linux_x86_64", target.Tag.Platform);
    }
}
