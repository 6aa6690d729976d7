using System.Collections.Immutable;

namespace PypiForge.Server.Catalog;

/// <summary>The whole index at one moment. Readers take the current snapshot and never see a half-applied change.</summary>
public sealed class CatalogSnapshot
{
    private object? rootPages;

    private CatalogSnapshot(
        long serial,
        ImmutableDictionary<string, CatalogFile> filesByPath,
        ImmutableSortedDictionary<string, ProjectEntry> projects)
    {
        Serial = serial;
        FilesByPath = filesByPath;
        Projects = projects;
    }

    public static CatalogSnapshot Empty { get; } = new(
        0,
        ImmutableDictionary.Create<string, CatalogFile>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, ProjectEntry>(StringComparer.Ordinal));

    /// <summary>Increases with every applied change.</summary>
    public long Serial { get; }

    public ImmutableDictionary<string, CatalogFile> FilesByPath { get; }

    /// <summary>Projects by normalized name, in name order.</summary>
    public ImmutableSortedDictionary<string, ProjectEntry> Projects { get; }

    public int FileCount => FilesByPath.Count;

    /// <summary>Applies upserts and removals; only the projects they touch are rebuilt.</summary>
    public CatalogSnapshot With(IReadOnlyCollection<CatalogFile> upserts, IReadOnlyCollection<string> removedPaths)
    {
        if (upserts.Count == 0 && removedPaths.Count == 0)
        {
            return this;
        }

        var files = FilesByPath.ToBuilder();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in removedPaths)
        {
            if (files.Remove(path, out var old))
            {
                touched.Add(old.ProjectKey);
            }
        }

        foreach (var file in upserts)
        {
            if (files.TryGetValue(file.RelativePath, out var old))
            {
                touched.Add(old.ProjectKey);
            }

            files[file.RelativePath] = file;
            touched.Add(file.ProjectKey);
        }

        if (touched.Count == 0)
        {
            return this;
        }

        var newFiles = files.ToImmutable();

        // Each touched project is rebuilt from its own previous files plus the changes: O(project), not O(catalog).
        var changedPaths = new HashSet<string>(removedPaths, StringComparer.Ordinal);
        changedPaths.UnionWith(upserts.Select(static f => f.RelativePath));
        var projects = Projects.ToBuilder();
        foreach (var key in touched)
        {
            var list = ImmutableArray.CreateBuilder<CatalogFile>();
            if (Projects.TryGetValue(key, out var previous))
            {
                list.AddRange(previous.Files.Where(f => !changedPaths.Contains(f.RelativePath)));
            }

            list.AddRange(upserts.Where(f => f.ProjectKey == key && newFiles.TryGetValue(f.RelativePath, out var current) && ReferenceEquals(current, f)));
            if (list.Count == 0)
            {
                projects.Remove(key);
            }
            else
            {
                projects[key] = new ProjectEntry(key, list.ToImmutable());
            }
        }

        return new CatalogSnapshot(Serial + 1, newFiles, projects.ToImmutable());
    }

    /// <summary>Builds a snapshot from scratch (start-up).</summary>
    public static CatalogSnapshot Create(IEnumerable<CatalogFile> allFiles)
    {
        var files = ImmutableDictionary.CreateBuilder<string, CatalogFile>(StringComparer.Ordinal);
        foreach (var file in allFiles)
        {
            files[file.RelativePath] = file;
        }

        var projects = ImmutableSortedDictionary.CreateBuilder<string, ProjectEntry>(StringComparer.Ordinal);
        foreach (var group in files.Values.GroupBy(static f => f.ProjectKey, StringComparer.Ordinal))
        {
            projects[group.Key] = new ProjectEntry(group.Key, [.. group]);
        }

        return new CatalogSnapshot(1, files.ToImmutable(), projects.ToImmutable());
    }

    internal T GetOrAddRootPages<T>(Func<CatalogSnapshot, T> factory)
        where T : class => CacheSlot.GetOrAdd(ref rootPages, this, factory);
}
