using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Agent.Tests.Support;
using PypiForge.Tests.Common;
using PypiForge.Packaging;

namespace PypiForge.Agent.Tests.Targets;

/// <summary>Targets in root filesystems: a 32-bit x86 root and an arm64 one (through qemu-user), real Debian roots.</summary>
public sealed class RootTargetSpecs
{
    private readonly TargetDiscovery _discovery = Sandboxes.Discovery(Sandboxes.Bubblewrap());

    [Fact]
    public async Task An_i386_root_is_an_i686_target()
    {
        var root = await BuildRoots.I386Async();

        var target = await _discovery.DiscoverAsync("/usr/bin/python3", root, CancellationToken.None);

        Assert.Equal("cp311-cp311-linux_i686", target.Name);
        Assert.Equal(new WheelTag("cp311", "cp311", "linux_i686"), target.Tag);
        Assert.Equal(ElfMachine.I386, target.Environment.Machine);
        Assert.Equal(root, target.Environment.Root);
        Assert.Equal("/usr/bin/python3", target.Interpreter);
        Assert.Contains(target.Supported, tag => tag.Platform == "manylinux2014_i686");
        Assert.DoesNotContain(target.Supported, tag => tag.Platform.Contains("x86_64", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_arm64_root_is_an_aarch64_target_through_qemu()
    {
        var root = await BuildRoots.Arm64Async();

        var target = await _discovery.DiscoverAsync("/usr/bin/python3", root, CancellationToken.None);

        Assert.Equal("cp311-cp311-linux_aarch64", target.Name);
        Assert.Equal(ElfMachine.Aarch64, target.Environment.Machine);
        Assert.True(target.Environment.Emulated);
        Assert.Contains(target.Supported, tag => tag.Platform == "manylinux2014_aarch64");
    }

    [Fact]
    public async Task A_missing_root_says_how_to_make_one()
    {
        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/usr/bin/python3", "/nonexistent/roots/bookworm-i386", CancellationToken.None));

        Assert.Contains("/nonexistent/roots/bookworm-i386 does not exist", exception.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/make-build-root.sh", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interpreter_missing_from_the_root_is_named()
    {
        var root = await BuildRoots.I386Async();

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/usr/bin/python3.99", root, CancellationToken.None));

        Assert.Contains($"{root} has no /usr/bin/python3.99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_interpreter_in_a_root_is_refused()
    {
        var root = await BuildRoots.I386Async();

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("python3", root, CancellationToken.None));

        Assert.Contains("must be an absolute path as the root sees it", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_of_an_architecture_without_a_qemu_handler_says_what_to_run()
    {
        using var fake = new TempDirectory("pypiforge-s390x-root-");
        ForeignRoot.S390x(fake.Path);

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/usr/bin/python3", fake.Path, CancellationToken.None));

        Assert.Contains("holds s390x programs", exception.Message, StringComparison.Ordinal);
        Assert.Contains("no qemu-s390x handler is registered with binfmt_misc", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/binfmt.d/qemu-s390x.conf", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Elf_headers_name_the_machine()
    {
        Assert.Equal(ElfMachine.X86_64, ElfMachine.Read("/usr/bin/true"));
        Assert.Null(ElfMachine.Read("/etc/os-release"));
    }
}
