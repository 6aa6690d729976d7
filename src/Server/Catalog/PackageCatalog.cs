using System.Collections.Concurrent;
using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>The in-memory catalog every request reads. Writers (the synchronizer, later uploads and builds)
/// publish whole new snapshots; readers never lock and never touch the disk.</summary>
public sealed class PackageCatalog
{
    private readonly Lock writeLock = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CatalogSnapshot current = CatalogSnapshot.Empty;

    /// <summary>Files left out of the index, with the reason (shown to operators, logged once).</summary>
    public ConcurrentDictionary<string, string> Rejected { get; } = new(StringComparer.Ordinal);

    public CatalogSnapshot Current => Volatile.Read(ref current);

    public bool IsReady => ready.Task.IsCompleted;

    public void Load(CatalogSnapshot snapshot)
    {
        lock (writeLock)
        {
            Volatile.Write(ref current, snapshot);
        }

        ready.TrySetResult();
    }

    public CatalogSnapshot Apply(IReadOnlyCollection<CatalogFile> upserts, IReadOnlyCollection<string> removedPaths)
    {
        CatalogSnapshot next;
        lock (writeLock)
        {
            var before = current;
            next = before.With(upserts, removedPaths);
            if (ReferenceEquals(next, before))
            {
                return before;
            }

            Volatile.Write(ref current, next);
        }

        return next;
    }

    public bool TryGetProject(string normalizedName, out ProjectEntry project) =>
        Current.Projects.TryGetValue(normalizedName, out project!);

    public bool TryGetFile(string relativePath, out CatalogFile file) =>
        Current.FilesByPath.TryGetValue(relativePath, out file!);

    /// <summary>The served file with this name (any case, in any subfolder: a name belongs to one project), or null.
    /// Writers use it to decide whether a name is taken.</summary>
    public CatalogFile? FindByFileName(DistributionFilename distribution) =>
        TryGetProject(distribution.NormalizedProject, out var project)
            ? project.Files.FirstOrDefault(f => string.Equals(f.FileName, distribution.FileName, StringComparison.OrdinalIgnoreCase))
            : null;
}
