namespace PypiForge.Agent.Sandbox;

/// <summary>
/// The architecture of an executable, read from its ELF header (class, byte order, e_machine), named as
/// qemu-user and binfmt_misc name it: <c>x86_64</c>, <c>i386</c>, <c>aarch64</c>, <c>arm</c>, ...
/// </summary>
public sealed record ElfMachine(string Name)
{
    /// <summary>The bytes of an ELF header that say the class, byte order and machine.</summary>
    public const int HeaderLength = 20;

    public static readonly ElfMachine X86_64 = new("x86_64");
    public static readonly ElfMachine I386 = new("i386");
    public static readonly ElfMachine Aarch64 = new("aarch64");

    /// <summary>The machine this agent runs on.</summary>
    public static ElfMachine Host { get; } = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => X86_64,
        System.Runtime.InteropServices.Architecture.X86 => I386,
        System.Runtime.InteropServices.Architecture.Arm64 => Aarch64,
        System.Runtime.InteropServices.Architecture.Arm => new("arm"),
        var other => new(other.ToString().ToLowerInvariant()),
    };

    /// <summary>32-bit x86 on an x86_64 kernel: runs natively (or through qemu-i386 where ia32 emulation is off) under the i686 personality.</summary>
    public bool IsI386On(ElfMachine host) => this == I386 && host == X86_64;

    /// <summary>Neither the host's machine nor 32-bit x86 on x86_64: needs qemu-user through binfmt_misc.</summary>
    public bool IsForeignOn(ElfMachine host) => this != host && !IsI386On(host);

    /// <summary>
    /// Reads the machine from an ELF file's first 20 bytes; null when the file is not ELF (a script, say).
    /// </summary>
    public static ElfMachine? Read(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                return null;
        }

        return FromHeader(header, out _);
    }

    /// <summary>
    /// The machine and word size (32 or 64 bits) an ELF header's first <see cref="HeaderLength"/> bytes describe; null
    /// when they are not an ELF header.
    /// </summary>
    public static ElfMachine? FromHeader(ReadOnlySpan<byte> header, out int bits)
    {
        bits = 0;
        if (header.Length < HeaderLength || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            return null;
        var is64 = header[4] == 2;
        var bigEndian = header[5] == 2;
        bits = is64 ? 64 : 32;
        var machine = bigEndian ? (header[18] << 8) | header[19] : header[18] | (header[19] << 8);
        return machine switch
        {
            3 => I386,
            62 => X86_64,
            183 => Aarch64,
            40 => new("arm"),
            243 => new(is64 ? "riscv64" : "riscv32"),
            21 => new(bigEndian ? "ppc64" : "ppc64le"),
            22 => new("s390x"),
            8 => new(is64 ? (bigEndian ? "mips64" : "mips64el") : (bigEndian ? "mips" : "mipsel")),
            _ => new($"elf-machine-{machine}"),
        };
    }

    /// <summary>Debian's name of the architecture (what <c>--arch</c> of debootstrap and make-build-root.sh take).</summary>
    public string DebianArch => Name switch
    {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "armhf",
        "ppc64le" => "ppc64el",
        _ => Name,
    };

    public override string ToString() => Name;
}
