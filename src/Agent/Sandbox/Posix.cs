using System.Runtime.InteropServices;

namespace PypiForge.Agent.Sandbox;

internal static partial class Posix
{
    /// <summary>True when this process runs as root (effective uid 0).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEuid() == 0;

    /// <summary>Gives a file or folder (not followed if a link) to a user and group; throws with the reason on failure.</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0)
            throw new IOException($"Could not give {path} to uid {uid}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, int uid, int gid);
}
