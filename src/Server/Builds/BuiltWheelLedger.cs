using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>The wheels this server's build agents published (file name and sha256), kept in
/// <c>&lt;state&gt;/built-wheels.txt</c>. It tells a wheel built here from a file someone uploaded or dropped in the
/// folder, which decides whether a project may be merged with the upstream project of the same name.</summary>
public sealed class BuiltWheelLedger
{
    private const string FileName = StateFolder.BuiltWheels;
    private readonly Lock gate = new();
    private readonly string path;
    private readonly Lazy<HashSet<string>> entries;

    public BuiltWheelLedger(IOptions<CatalogOptions> options)
    {
        path = Path.Combine(options.Value.StatePath, FileName);
        entries = new Lazy<HashSet<string>>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool Contains(string fileName, string sha256)
    {
        var set = entries.Value;
        lock (gate)
        {
            return set.Contains(Entry(fileName, sha256));
        }
    }

    /// <summary>Called before the wheel is moved into the folder, so the catalog never sees it as an upload.</summary>
    public void Record(string fileName, string sha256)
    {
        var set = entries.Value;
        lock (gate)
        {
            if (set.Add(Entry(fileName, sha256)))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.AppendAllText(path, Entry(fileName, sha256) + "\n");
            }
        }
    }

    private static string Entry(string fileName, string sha256) => sha256 + " " + fileName;

    private HashSet<string> Load()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length > 65)
                {
                    set.Add(line);
                }
            }
        }

        return set;
    }
}
