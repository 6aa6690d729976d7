using System.Collections.Immutable;
using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>A project and its files at one moment. Immutable: a change to the folder makes a new entry,
/// so anything cached on an entry (rendered pages) is valid for exactly as long as the entry is current.</summary>
public sealed class ProjectEntry
{
    private readonly Lazy<ImmutableArray<string>> versions;
    private object? pages;

    public ProjectEntry(string key, ImmutableArray<CatalogFile> files)
    {
        Key = key;
        Files = files.Sort(static (a, b) => string.CompareOrdinal(a.FileName, b.FileName));
        DisplayName = ChooseDisplayName(key, Files);
        versions = new Lazy<ImmutableArray<string>>(() => SortVersions(Files));
    }

    /// <summary>The PEP 503 normalized name.</summary>
    public string Key { get; }

    /// <summary>The name as the project spells it (from its newest metadata), for pages people read.</summary>
    public string DisplayName { get; }

    public ImmutableArray<CatalogFile> Files { get; }

    /// <summary>Distinct versions, PEP 440 order (unparseable legacy versions first, by text).</summary>
    public ImmutableArray<string> Versions => versions.Value;

    /// <summary>Per-entry cache slot for the index renderer; set once.</summary>
    internal T GetOrAddPages<T>(Func<ProjectEntry, T> factory)
        where T : class => CacheSlot.GetOrAdd(ref pages, this, factory);

    private static string ChooseDisplayName(string key, ImmutableArray<CatalogFile> files)
    {
        CatalogFile? newest = null;
        PackageVersion? newestVersion = null;
        foreach (var file in files)
        {
            var version = PackageVersion.TryParse(file.Version, out var parsed) ? parsed : null;
            if (newest is null || (version is not null && (newestVersion is null || version > newestVersion)))
            {
                newest = file;
                newestVersion = version;
            }
        }

        var name = newest?.MetadataName ?? newest?.Distribution.Project;
        return name is not null && ProjectName.Normalize(name) == key ? name : key;
    }

    private static ImmutableArray<string> SortVersions(ImmutableArray<CatalogFile> files)
    {
        var distinct = new Dictionary<string, PackageVersion?>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!distinct.ContainsKey(file.Version))
            {
                distinct[file.Version] = PackageVersion.TryParse(file.Version, out var v) ? v : null;
            }
        }

        return [.. distinct
            .OrderBy(static kv => kv.Value is not null)
            .ThenBy(static kv => kv.Value)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .Select(static kv => kv.Key)];
    }
}
