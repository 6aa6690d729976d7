using System.Diagnostics;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// Archives made by the tools that make real sdists: GNU tar (<c>tar -cJf</c>, <c>-cjf</c>)
/// and Python's <c>tarfile</c>, <c>lzma</c> and <c>bz2</c> (liblzma and libbzip2, the libraries
/// of xz and bzip2). The readers are then tested on bytes the library under test did not make.
/// </summary>
internal static class ToolArchives
{
    private const string PythonCompress =
        "import sys, lzma, bz2\n"
        + "data = sys.stdin.buffer.read()\n"
        + "sys.stdout.buffer.write(lzma.compress(data) if sys.argv[1] == 'xz' else bz2.compress(data))\n";

    private const string PythonTar =
        "import sys, tarfile\n"
        + "with tarfile.open(sys.argv[1], sys.argv[2]) as tar:\n"
        + "    for name in sys.argv[3:]:\n"
        + "        tar.add(name, recursive=False)\n";

    /// <summary>A tar of <paramref name="entries"/> written by <c>tar</c> with <paramref name="flags"/> (<c>-cJf</c>, <c>-cjf</c>).</summary>
    public static MemoryStream GnuTar(string flags, params (string Name, byte[] Content)[] entries) =>
        FromFiles(entries, (folder, archive, names) => Run("tar", [flags, archive, "--", .. names], folder));

    /// <summary>A tar of <paramref name="entries"/> written by Python's tarfile in <paramref name="mode"/> (<c>w:xz</c>, <c>w:bz2</c>).</summary>
    public static MemoryStream PythonTarfile(string mode, params (string Name, byte[] Content)[] entries) =>
        FromFiles(entries, (folder, archive, names) => Run("python3", ["-c", PythonTar, archive, mode, .. names], folder));

    /// <summary><paramref name="content"/> compressed by Python's lzma (<c>xz</c>) or bz2 (<c>bz2</c>) module.</summary>
    public static MemoryStream Compress(string format, byte[] content) =>
        new(Run("python3", ["-c", PythonCompress, format], Path.GetTempPath(), content));

    // The entries are written as files under a temporary folder, where the tool runs.
    private static MemoryStream FromFiles((string Name, byte[] Content)[] entries, Action<string, string, string[]> archive)
    {
        var folder = Directory.CreateTempSubdirectory("pypiforge-archives-").FullName;
        try
        {
            foreach (var (name, content) in entries)
            {
                var path = Path.Combine(folder, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content);
            }

            var output = Path.Combine(folder, "archive.out");
            archive(folder, output, [.. entries.Select(e => e.Name)]);
            return new MemoryStream(File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Run(string tool, string[] arguments, string workingDirectory, byte[]? input = null)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        using var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
            process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        reading.GetAwaiter().GetResult();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.ToArray()
            : throw new InvalidOperationException($"`{tool} {string.Join(' ', arguments)}` exited with {process.ExitCode}: {errors.GetAwaiter().GetResult()}");
    }
}
