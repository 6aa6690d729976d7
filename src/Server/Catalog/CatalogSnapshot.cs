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
        var byProject = new Dictionary<string, ImmutableArray<CatalogFile>.Builder>(StringComparer.Ordinal);
        foreach (var key in touched)
        {
            byProject[key] = ImmutableArray.CreateBuilder<CatalogFile>();
        }

        // Touched projects are re-collected from the new file set. A full pass is O(files) but only runs
        // for changes, never for requests; per-project path lists would make it O(project) if needed.
        foreach (var file in newFiles.Values)
        {
            if (byProject.TryGetValue(file.ProjectKey, out var list))
            {
                list.Add(file);
            }
        }

        var projects = Projects.ToBuilder();
        foreach (var (key, list) in byProject)
        {
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
        where T : class
    {
        if (Volatile.Read(ref rootPages) is T existing)
        {
            return existing;
        }

        var created = factory(this);
        return Interlocked.CompareExchange(ref rootPages, created, null) as T ?? created;
    }
}
