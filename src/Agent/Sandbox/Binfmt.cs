namespace PypiForge.Agent.Sandbox;

/// <summary>
/// The kernel's binfmt_misc registrations of qemu-user, which let this machine run programs of
/// another architecture (an arm64 root's python3) as if they were its own.
/// </summary>
internal static class Binfmt
{
    private const string Directory = "/proc/sys/fs/binfmt_misc";

    /// <summary>Null when <paramref name="machine"/> runs here through a usable handler, else what is wrong and what to run.</summary>
    /// <param name="rootArch">The Debian name of the architecture, for the command in the message.</param>
    public static string? Problem(ElfMachine machine, string rootArch)
    {
        var entry = Path.Combine(Directory, "qemu-" + machine.Name);
        var fix = $"Run 'scripts/make-build-root.sh --arch {rootArch} DIR' with DIR the existing root (it registers the handler and " +
            "leaves the root as it is), or register it by hand: apt-get install qemu-user-static, then " +
            $"grep -v '^#' /usr/lib/binfmt.d/qemu-{machine.Name}.conf > {Directory}/register (mount binfmt_misc on {Directory} first if " +
            "it is empty). Registrations do not survive a reboot.";
        string text;
        try
        {
            text = File.ReadAllText(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"this machine cannot run {machine} programs: no qemu-{machine} handler is registered with binfmt_misc ({entry} is missing). {fix}";
        }

        if (!text.StartsWith("enabled", StringComparison.Ordinal))
            return $"the qemu-{machine} handler in {entry} is disabled. Enable it: echo 1 > {entry}.";

        // Without the F flag the kernel looks for the emulator inside the sandbox, where it is not.
        var flags = text.Split('\n').FirstOrDefault(static l => l.StartsWith("flags:", StringComparison.Ordinal))?[6..].Trim() ?? string.Empty;
        return flags.Contains('F', StringComparison.Ordinal)
            ? null
            : $"the qemu-{machine} handler in {entry} was registered without the F (fix binary) flag, so the emulator is not found " +
              $"inside a build's sandbox. Remove it (echo -1 > {entry}) and register it again with the F flag. {fix}";
    }

    /// <summary>Whether a handler for this machine is registered and enabled (32-bit x86 may run natively without one).</summary>
    public static bool Registered(ElfMachine machine) =>
        File.Exists(Path.Combine(Directory, "qemu-" + machine.Name));
}
