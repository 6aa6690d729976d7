using System.Diagnostics;

namespace PypiForge.Server.Tests.Support;

/// <summary>A small tmpfs mounted for one test (the tests run as root), so a real "disk full" can be made on purpose.
/// A mount that is not permitted fails the test: a disk-full test that quietly ran on the big disk would prove nothing.</summary>
public sealed class TmpfsMount : IDisposable
{
    private const string FillerName = "filler.bin";

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(string purpose, string size = "2m")
    {
        var path = TempDirectory.Create(purpose);
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (exitCode != 0)
        {
            TempDirectory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs failed ({exitCode}): {output}. These tests need root (or CAP_SYS_ADMIN).");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Writes a filler file (not a distribution name) until the file system has no byte left.</summary>
    public void Fill()
    {
        using var stream = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        // What is left is less than a block: even a small state file cannot be written now.
        try
        {
            while (true)
            {
                stream.WriteByte(0);
            }
        }
        catch (IOException)
        {
            // Full to the byte.
        }
    }

    /// <summary>Frees the space <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, FillerName));

    public void Dispose()
    {
        Run("umount", "-l", Path);
        TempDirectory.Delete(Path);
    }

    private static (int ExitCode, string Output) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
