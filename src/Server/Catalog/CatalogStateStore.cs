using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Catalog;

/// <summary>Persists hashes, metadata and yank state under the state directory, so a restart does not re-hash.</summary>
public sealed class CatalogStateStore : IDisposable
{
    private readonly string statePath;
    private readonly string packPath;
    private readonly Lock saveLock = new();
    private readonly Lock packLock = new();
    private FileStream? writer;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? reader;

    public CatalogStateStore(IOptions<CatalogOptions> options)
    {
        statePath = options.Value.StatePath;
        packPath = Path.Combine(statePath, StateFolder.MetadataPack);
    }

    public string StateDirectory => statePath;

    /// <summary>True when the last <see cref="Load"/> found entries without a check (a state file from before checks):
    /// the caller saves the state again, which adds them.</summary>
    public bool LoadedUnchecked { get; private set; }

    public void EnsureCreated()
    {
        Directory.CreateDirectory(statePath);
        StateFormat.Mark(statePath);
    }

    /// <summary>Loads the remembered files; a missing or unreadable state file means "remember nothing". Entries with
    /// no path are skipped and counted in <paramref name="skipped"/> (their files are simply read again); entries that
    /// do not match their check are listed in <paramref name="untrusted"/> and their files read again. Entries without a
    /// check (an older state file) are taken as they are and get one at the next save.</summary>
    public Dictionary<string, PersistedFile> Load(out string? problem, out int skipped, out List<string> untrusted)
    {
        problem = null;
        skipped = 0;
        untrusted = [];
        LoadedUnchecked = false;
        var file = Path.Combine(statePath, StateFolder.CatalogState);
        if (!File.Exists(file))
        {
            return new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
        }

        try
        {
            using var stream = File.OpenRead(file);
            var state = JsonSerializer.Deserialize(stream, CatalogStateJsonContext.Default.CatalogState);
            var result = new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
            // Names and Requires-Python are mostly the same text for every file of a project: keep one copy of each.
            var shared = new Dictionary<string, string>(StringComparer.Ordinal);
            // The serializer does not enforce non-nullable members: a hand-edited file may hold null or pathless entries.
            foreach (PersistedFile? entry in state?.Files ?? [])
            {
                if (string.IsNullOrEmpty(entry?.Path))
                {
                    skipped++;
                    continue;
                }

                LoadedUnchecked |= entry.Check is null;
                if (!entry.IsIntact)
                {
                    // Edited or damaged: the file is hashed and read again; who uploaded it and its yank state are kept.
                    untrusted.Add(entry.Path);
                    result[entry.Path] = entry with { Sha256 = null, Error = null, Check = null };
                    continue;
                }

                // The check has done its work: a save computes it again (Sealed), so memory need not hold it.
                result[entry.Path] = entry with
                {
                    Check = null,
                    MetadataName = Shared(shared, entry.MetadataName),
                    RequiresPython = Shared(shared, entry.RequiresPython),
                };
            }

            return result;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return new Dictionary<string, PersistedFile>(StringComparer.Ordinal);
        }
    }

    private static string? Shared(Dictionary<string, string> shared, string? text)
    {
        if (text is null)
            return null;

        if (shared.TryGetValue(text, out var kept))
            return kept;

        shared[text] = text;
        return text;
    }

    /// <summary>Writes the state atomically and durably: a reader (or a crash) sees the old file or the new one, never half.
    /// Throws when it could not be written (full disk, permissions); the old file is then left as it was.</summary>
    public void Save(IEnumerable<PersistedFile> files)
    {
        lock (saveLock)
        {
            var state = new CatalogState(1, [.. files.OrderBy(static f => f.Path, StringComparer.Ordinal).Select(static f => f.Sealed())]);
            var target = Path.Combine(statePath, StateFolder.CatalogState);
            var temp = target + ".tmp";
            try
            {
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    JsonSerializer.Serialize(stream, state, CatalogStateJsonContext.Default.CatalogState);
                    stream.Flush(flushToDisk: true); // on disk before it replaces the old file: a crash keeps one of the two whole
                }

                File.Move(temp, target, overwrite: true);
            }
            catch
            {
                // A half-written temp file would only hold the space that is missing (on a full disk).
                File.Delete(temp);
                throw;
            }
        }
    }

    /// <summary>Appends a wheel's METADATA (PEP 658) to the pack file and says where it is. One append-only file
    /// instead of one file per wheel: tens of thousands of small files cost seconds to create at first start.</summary>
    public (long Offset, int Length) AppendMetadata(ReadOnlySpan<byte> bytes)
    {
        lock (packLock)
        {
            var stream = PackWriter();
            var offset = stream.Length;
            stream.Position = offset;
            stream.Write(bytes);
            stream.Flush();
            return (offset, bytes.Length);
        }
    }

    /// <summary>The pack's current length; a remembered range beyond it must be read again.</summary>
    public long MetadataPackLength
    {
        get
        {
            lock (packLock)
            {
                return PackWriter().Length;
            }
        }
    }

    /// <summary>Reads a METADATA back; null when the range is not in the pack.</summary>
    public byte[]? ReadMetadata(long offset, int length)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        lock (packLock)
        {
            handle = PackReader();
        }

        return ReadRange(handle, offset, length);
    }

    private static byte[]? ReadRange(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, int length)
    {
        var bytes = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        return bytes;
    }

    /// <summary>Rewrites the pack without the METADATA of files that are gone, when they are most of it.
    /// Returns the entries whose offsets changed (the caller persists them), or null when nothing was done.</summary>
    public List<PersistedFile>? CompactMetadata(IReadOnlyCollection<PersistedFile> files)
    {
        lock (packLock)
        {
            var live = files.Where(static f => f.MetadataOffset is not null && f.MetadataLength is not null).ToList();
            var used = live.Sum(static f => (long)f.MetadataLength!.Value);
            var size = PackWriter().Length;
            if (size < 1024 * 1024 || used * 2 > size)
            {
                return null;
            }

            var temporary = packPath + ".compact";
            var moved = new List<PersistedFile>(live.Count);
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                foreach (var file in live)
                {
                    var bytes = ReadRange(PackReader(), file.MetadataOffset!.Value, file.MetadataLength!.Value);
                    if (bytes is null)
                    {
                        continue;
                    }

                    moved.Add(file with { MetadataOffset = output.Position });
                    output.Write(bytes);
                }
            }

            writer?.Dispose();
            reader?.Dispose();
            writer = null;
            reader = null;
            File.Move(temporary, packPath, overwrite: true);
            return moved;
        }
    }

    public void Dispose()
    {
        lock (packLock)
        {
            writer?.Dispose();
            reader?.Dispose();
        }
    }

    private FileStream PackWriter() =>
        writer ??= new FileStream(packPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    // Callers hold packLock.
    private Microsoft.Win32.SafeHandles.SafeFileHandle PackReader()
    {
        PackWriter();
        return reader ??= File.OpenHandle(packPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }
}

internal sealed record CatalogState(int Version, List<PersistedFile> Files);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CatalogState))]
internal sealed partial class CatalogStateJsonContext : JsonSerializerContext;
