using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace PypiForge.Server.Tests.Support;

/// <summary>Small distributions made in the test itself, for catalog and HTTP behaviour (the real-pip tests use
/// distributions built by setuptools, see DistFixtures).</summary>
public static class TestDists
{
    private const string TarfileScript =
        "import sys, tarfile\n"
        + "with tarfile.open(sys.argv[1], sys.argv[2]) as tar:\n"
        + "    for name in sys.argv[3:]:\n"
        + "        tar.add(name, recursive=False)\n";

    public static string Metadata(string name, string version, string? requiresPython = null, string? extra = null)
    {
        var text = new StringBuilder()
            .Append("Metadata-Version: 2.1\n")
            .Append("Name: ").Append(name).Append('\n')
            .Append("Version: ").Append(version).Append('\n')
            .Append("Summary: test distribution\n");
        if (requiresPython is not null)
        {
            text.Append("Requires-Python: ").Append(requiresPython).Append('\n');
        }

        if (extra is not null)
        {
            text.Append(extra);
        }

        return text.Append("\nA description.\n").ToString();
    }

    /// <summary>Writes a minimal valid wheel; returns its full path.</summary>
    public static string Wheel(
        string folder,
        string name,
        string version,
        string tags = "py3-none-any",
        string? requiresPython = null,
        string? metadata = null)
    {
        var distName = name.Replace('-', '_').Replace('.', '_');
        var fileName = $"{distName}-{version}-{tags}.whl";
        var path = Path.Combine(folder, fileName);
        Directory.CreateDirectory(folder);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var distInfo = $"{distName}-{version}.dist-info";
            Add(zip, $"{distName}/__init__.py", "VALUE = 1\n");
            Add(zip, $"{distInfo}/METADATA", metadata ?? Metadata(name, version, requiresPython));
            Add(zip, $"{distInfo}/WHEEL", $"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tags}\n");
            Add(zip, $"{distInfo}/RECORD", string.Empty);
        }

        return path;
    }

    /// <summary>Writes a .tar.gz sdist with a PKG-INFO, a setup.py and any <paramref name="files"/> (path in the
    /// sdist's folder → text); returns its full path.</summary>
    public static string Sdist(
        string folder, string fileStem, string name, string version, string? requiresPython = null, string? setupPy = null, IReadOnlyDictionary<string, string>? files = null)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileStem + ".tar.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        var pkgInfo = Encoding.UTF8.GetBytes(Metadata(name, version, requiresPython));
        var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{fileStem}/PKG-INFO") { DataStream = new MemoryStream(pkgInfo) };
        tar.WriteEntry(entry);
        var setup = new PaxTarEntry(TarEntryType.RegularFile, $"{fileStem}/setup.py") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(setupPy ?? "from setuptools import setup\nsetup()\n")) };
        tar.WriteEntry(setup);
        foreach (var (member, text) in files ?? new Dictionary<string, string>())
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{fileStem}/{member}") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }

        return path;
    }

    /// <summary>
    /// Writes a .tar.xz or .tar.bz2 sdist with a PKG-INFO, made by GNU tar (<paramref name="tool"/> <c>tar -cJf</c>,
    /// <c>tar -cjf</c>) or Python's tarfile (<c>tarfile w:xz</c>, <c>tarfile w:bz2</c>); returns its full path.
    /// </summary>
    public static async Task<string> CompressedSdistAsync(string folder, string fileStem, string extension, string tool, string name, string version, string? requiresPython = null)
    {
        var sources = Path.Combine(folder, "sources-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(sources, fileStem));
        File.WriteAllText(Path.Combine(sources, fileStem, "PKG-INFO"), Metadata(name, version, requiresPython));
        File.WriteAllText(Path.Combine(sources, fileStem, "setup.py"), "from setuptools import setup\nsetup()\n");
        var path = Path.Combine(folder, fileStem + extension);
        string[] members = [$"{fileStem}/PKG-INFO", $"{fileStem}/setup.py"];
        var result = tool.StartsWith("tar ", StringComparison.Ordinal)
            ? await PythonClient.RunAsync("tar", [tool[4..], path, "--", .. members], sources)
            : await PythonClient.RunAsync(PythonInterpreter.System.Path, ["-c", TarfileScript, path, tool["tarfile ".Length..], .. members], sources);
        Directory.Delete(sources, recursive: true);
        return result.ExitCode == 0 ? path : throw new InvalidOperationException($"{tool} failed: {result}");
    }

    public static void Add(ZipArchive zip, string entryName, string content)
    {
        var entry = zip.CreateEntry(entryName);
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
