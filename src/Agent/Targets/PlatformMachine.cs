using PypiForge.Agent.Sandbox;

namespace PypiForge.Agent.Targets;

/// <summary>
/// The program a Linux platform tag's wheels are made of: <c>linux_i686</c> wheels hold 32-bit i386 code,
/// <c>manylinux2014_aarch64</c> 64-bit aarch64 code. Discovery compares it with the interpreter that really ran, so a
/// 64-bit interpreter that reports <c>linux_i686</c> (under <c>setarch i686</c>, or a naive chroot wrapper) is caught
/// before it builds wheels named for a platform their code does not run on.
/// </summary>
public static class PlatformMachine
{
    private static readonly (string Suffix, ElfMachine Machine, int Bits)[] Known =
    [
        ("_x86_64", ElfMachine.X86_64, 64),
        ("_i686", ElfMachine.I386, 32),
        ("_i386", ElfMachine.I386, 32),
        ("_aarch64", ElfMachine.Aarch64, 64),
        ("_armv7l", new ElfMachine("arm"), 32),
        ("_armv6l", new ElfMachine("arm"), 32),
        ("_ppc64le", new ElfMachine("ppc64le"), 64),
        ("_s390x", new ElfMachine("s390x"), 64),
        ("_riscv64", new ElfMachine("riscv64"), 64),
    ];

    /// <summary>The machine and word size of a Linux platform tag's code; null for other platforms or unknown ones.</summary>
    public static (ElfMachine Machine, int Bits)? For(string platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (!platform.StartsWith("linux_", StringComparison.Ordinal) && !platform.StartsWith("manylinux", StringComparison.Ordinal)
            && !platform.StartsWith("musllinux_", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var (suffix, machine, bits) in Known)
        {
            if (platform.EndsWith(suffix, StringComparison.Ordinal))
                return (machine, bits);
        }

        return null;
    }

    /// <summary>
    /// Why an interpreter whose running program has the ELF header <paramref name="programHeader"/> (hex, as
    /// discover_target.py prints it) cannot build <paramref name="platform"/> wheels; null when it can, or when either
    /// side is unknown (nothing to compare).
    /// </summary>
    public static string? Mismatch(string platform, string? programHeader)
    {
        if (For(platform) is not { } expected || programHeader is null)
            return null;
        byte[] header;
        try
        {
            header = Convert.FromHexString(programHeader);
        }
        catch (FormatException)
        {
            return null;
        }

        if (ElfMachine.FromHeader(header, out var bits) is not { } machine || (machine == expected.Machine && bits == expected.Bits))
            return null;
        return $"it reports the platform {platform} ({expected.Bits}-bit {expected.Machine} code), but the interpreter that ran is " +
            $"a {bits}-bit {machine} program, so its extension modules would be {bits}-bit {machine} code in wheels named {platform}. " +
            "Something around it changes what it reports (a wrapper script, setarch or linux32). Configure an interpreter built " +
            $"for {platform}: for a foreign platform, the python3 of a root filesystem made with scripts/make-build-root.sh " +
            "(Agent:Targets with a Root), or this interpreter without the wrapper.";
    }
}
