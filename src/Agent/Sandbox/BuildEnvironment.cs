namespace PypiForge.Agent.Sandbox;

/// <summary>
/// Where a target's interpreter lives and how it runs: on the host's own system, or in a root
/// filesystem (a Debian root made with debootstrap, or any exported image) of the same or
/// another architecture.
/// </summary>
/// <param name="Root">The root filesystem on the host, or null for the host's own system.</param>
/// <param name="Machine">The interpreter's architecture (from its ELF header).</param>
/// <param name="ReadOnlyPaths">Host folders outside the system a host interpreter needs (its prefix, a pyenv, a venv); shown read-only at the same path.</param>
public sealed record BuildEnvironment(string? Root, ElfMachine Machine, IReadOnlyList<string> ReadOnlyPaths)
{
    /// <summary>The host's own system with no extra folders.</summary>
    public static BuildEnvironment HostSystem { get; } = new(null, ElfMachine.Host, []);

    /// <summary>32-bit x86 on x86_64: run under the i686 personality, so <c>uname -m</c> and the wheel tags say i686.</summary>
    public bool Linux32 => Machine.IsI386On(ElfMachine.Host);

    /// <summary>Runs through qemu-user (registered with binfmt_misc).</summary>
    public bool Emulated => Machine.IsForeignOn(ElfMachine.Host) || (Linux32 && Binfmt.Registered(Machine));

    /// <summary>For logs and target listings: <c>host</c>, or the root and its architecture.</summary>
    public string Describe() => Root is null ? "host" : $"root {Root} ({Machine}{(Emulated ? ", emulated" : string.Empty)})";

    public bool Equals(BuildEnvironment? other) =>
        other is not null && Root == other.Root && Machine == other.Machine && ReadOnlyPaths.SequenceEqual(other.ReadOnlyPaths);

    public override int GetHashCode() => HashCode.Combine(Root, Machine, ReadOnlyPaths.Count);
}
