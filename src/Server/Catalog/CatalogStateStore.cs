using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Catalog;

/// <summary>Persists hashes, metadata files and yank state under the state directory, so a restart does not re-hash.</summary>
public sealed class CatalogStateStore
{
    private const string StateFileName = "catalog.json";
    private readonly string statePath;
    private readonly string metadataRoot;
    private readonly Lock saveLock = new();

    public CatalogStateStore(IOptions<CatalogOptions> options)
    {
        statePath = options.Value.StatePath;
        metadataRoot = Path.Combine(statePath, "metadata");
    }

    public string StateDirectory => statePath;

    public void EnsureCreated()
    {
        Directory.CreateDirectory(statePath);
        Directory.CreateDirectory(metadataRoot);
    }

    /// <summary>Loads the remembered files; a missing or unreadable state file means "remember nothing".</summary>
    public Dictionary<string, PersistedFile> Load(out string? problem)
    {
        problem = null;
        var file = Path.Combine(statePath, StateFileName);
        if (!File.Exists(file))
        {
            return new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
        }

        try
        {
            using var stream = File.OpenRead(file);
            var state = JsonSerializer.Deserialize(stream, CatalogStateJsonContext.Default.CatalogState);
            var result = new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
            foreach (var entry in state?.Files ?? [])
            {
                result[entry.Path] = entry;
            }

            return result;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
        }
    }

    /// <summary>Writes the state atomically: a reader (or a crash) sees the old file or the new one, never half.</summary>
    public void Save(IEnumerable<PersistedFile> files)
    {
        lock (saveLock)
        {
            var state = new CatalogState(1, [.. files.OrderBy(static f => f.Path, StringComparer.Ordinal)]);
            var target = Path.Combine(statePath, StateFileName);
            var temp = target + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, state, CatalogStateJsonContext.Default.CatalogState);
            }

            File.Move(temp, target, overwrite: true);
        }
    }

    /// <summary>Where the METADATA of a wheel with this sha256 is kept (content-addressed, so identical wheels share it).</summary>
    public string MetadataPath(string wheelSha256) =>
        Path.Combine(metadataRoot, wheelSha256[..2], wheelSha256 + ".metadata");

    public bool HasMetadata(string wheelSha256) => File.Exists(MetadataPath(wheelSha256));

    public void WriteMetadata(string wheelSha256, ReadOnlySpan<byte> bytes)
    {
        var target = MetadataPath(wheelSha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
    }
}

internal sealed record CatalogState(int Version, List<PersistedFile> Files);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CatalogState))]
internal sealed partial class CatalogStateJsonContext : JsonSerializerContext;
