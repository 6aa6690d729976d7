namespace PypiForge.Tests.Common;

/// <summary>
/// The Debian root filesystems scripts/make-build-root.sh makes (scripts/test.sh makes them once per machine, in the
/// background, under $PYPIFORGE_TEST_ROOTS or /var/cache/pypiforge/roots). A test that needs one waits for it (bounded)
/// and fails, never skips, when it does not come.
/// </summary>
public static class BuildRoots
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(25);

    public static string Folder => Environment.GetEnvironmentVariable("PYPIFORGE_TEST_ROOTS") is { Length: > 0 } configured
        ? configured
        : "/var/cache/pypiforge/roots";

    /// <summary>bookworm i386: 32-bit x86, linux_i686 wheels.</summary>
    public static Task<string> I386Async() => ReadyAsync("bookworm-i386", "i386");

    /// <summary>bookworm arm64: aarch64 through qemu-user, linux_aarch64 wheels.</summary>
    public static Task<string> Arm64Async() => ReadyAsync("bookworm-arm64", "arm64");

    private static async Task<string> ReadyAsync(string name, string arch)
    {
        var root = Path.Combine(Folder, name);
        var marker = Path.Combine(root, "etc", "pypiforge-root");
        var failed = Path.Combine(Folder, name + ".failed");
        var deadline = DateTime.UtcNow + Wait;
        while (!File.Exists(marker))
        {
            if (File.Exists(failed) || (DateTime.UtcNow > deadline) || !Directory.Exists(Folder))
            {
                throw new InvalidOperationException(
                    $"The build root {root} is not there. Make it with: scripts/make-build-root.sh --arch {arch} --suite bookworm {root} " +
                    $"(scripts/test.sh does this; its log is {root}.log).");
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        return root;
    }
}
