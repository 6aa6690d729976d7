using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>The one owner of what the catalog knows about each file (<see cref="PersistedFile"/>) and of its
/// persistence: applies what the folder reconciler read and what a writer of the package folder committed, yanks, and
/// repairs damaged METADATA. Saves of <c>catalog.json</c> are batched off the request path (one write for a burst of
/// changes, a few seconds later, and at shutdown); a yank is the exception: it is acknowledged only once saved.</summary>
public sealed class CatalogWriter : IDisposable
{
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(2);

    private readonly PackageCatalog catalog;
    private readonly CatalogStateStore store;
    private readonly FileInspector inspector;
    private readonly TimeProvider time;
    private readonly ILogger<CatalogWriter> logger;
    private readonly string root;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock timerLock = new();
    private Dictionary<string, PersistedFile> known = new(StringComparer.Ordinal);
    private ITimer? saveTimer;
    private bool dirty;
    private bool stopped;

    public CatalogWriter(
        Microsoft.Extensions.Options.IOptions<CatalogOptions> options,
        PackageCatalog catalog,
        CatalogStateStore store,
        FileInspector inspector,
        TimeProvider time,
        ILogger<CatalogWriter> logger)
    {
        root = options.Value.RootPath;
        this.catalog = catalog;
        this.store = store;
        this.inspector = inspector;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>Held by whoever reads <see cref="Known"/> and then applies a change: the reconciler and this class.</summary>
    internal SemaphoreSlim Gate => gate;

    /// <summary>What is known, by root-relative path. Read under <see cref="Gate"/>.</summary>
    internal IReadOnlyDictionary<string, PersistedFile> Known => known;

    /// <summary>Takes what the state file remembers, at start-up, before the first reconcile.</summary>
    internal void Remember(Dictionary<string, PersistedFile> remembered, bool saveSoon)
    {
        known = remembered;
        dirty |= saveSoon;
    }

    /// <summary>Applies inspected files and removals (under <see cref="Gate"/>). The first, initial apply builds the
    /// first snapshot in one go; later ones update the touched projects.</summary>
    internal void Apply(
        IReadOnlyCollection<PersistedFile> inspected,
        IReadOnlyCollection<string> removed,
        bool initial,
        IReadOnlyDictionary<string, DistributionFilename>? parsedNames = null)
    {
        var upserts = new List<CatalogFile>();
        var removals = new List<string>(removed);
        foreach (var path in removed)
        {
            known.Remove(path);
            catalog.Rejected.TryRemove(path, out _);
        }

        foreach (var file in inspected)
        {
            // A file copied slowly is read each time it stays quiet for Catalog:SettleDelay: while it runs, this server warns
            // once per reason, not at every read (a start-up tells again what it finds).
            var warnedAlready = !initial && known.TryGetValue(file.Path, out var before) && before.Error == file.Error;
            known[file.Path] = file;
            if (file.Error is not null)
            {
                if (!warnedAlready)
                {
                    CatalogLog.Rejected(logger, file.Path, file.Error);
                }

                catalog.Rejected[file.Path] = file.Error;
                removals.Add(file.Path);
            }
            else
            {
                catalog.Rejected.TryRemove(file.Path, out _);
                if (!initial)
                {
                    upserts.Add(ToCatalogFile(file, parsedNames));
                }
            }
        }

        if (removals.Count > 0 || inspected.Count > 0)
        {
            MarkDirty();
        }

        if (initial)
        {
            foreach (var file in known.Values.Where(static f => f.Error is not null))
            {
                catalog.Rejected[file.Path] = file.Error!;
            }

            // Compacted before the first snapshot, so the snapshot is built once with the final metadata offsets.
            foreach (var file in store.CompactMetadata([.. known.Values]) ?? [])
            {
                known[file.Path] = file;
                dirty = true;
            }

            catalog.Load(CatalogSnapshot.Create(known.Values.Where(static f => f.Error is null).Select(f => ToCatalogFile(f, parsedNames))));
            return;
        }

        if (upserts.Count > 0 || removals.Count > 0)
        {
            var snapshot = catalog.Apply(upserts, removals);
            CatalogLog.Updated(logger, upserts.Count, removed.Count, snapshot.Projects.Count, snapshot.FileCount);
        }
    }

    /// <summary>Records a file a writer of the package folder has just put in place, with the digest and metadata it
    /// already has: nothing is read again. Served when this returns; saved to the state file soon after (batched). The
    /// METADATA goes into the pack now; a pack that cannot take it throws <see cref="StateNotSavedException"/> and the
    /// file is not served.</summary>
    public async Task<CatalogFile?> AddAsync(
        string relativePath,
        string sha256,
        ArchiveMetadata metadata,
        (string Uploader, DateTimeOffset Time)? upload,
        CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var info = new FileInfo(Path.Combine(root, relativePath));
            if (!info.Exists)
            {
                return null; // moved away meanwhile: the watcher settles it
            }

            known.TryGetValue(relativePath, out var previous);
            PersistedFile file;
            try
            {
                file = inspector.Describe(relativePath, info, sha256, metadata, null, previous);
            }
            catch (IOException ex) when (Hosting.DiskSpace.IsFull(ex))
            {
                CatalogLog.ReadFailed(logger, relativePath, $"{Hosting.DiskSpace.NoSpaceIn(store.StateDirectory)}; an operator must free space");
                throw new StateNotSavedException(store.StateDirectory, ex);
            }

            if (upload is { } by)
            {
                // Who uploaded it and when; a re-upload that replaced a file starts unyanked.
                file = file with { UploadedBy = by.Uploader, UploadTime = by.Time, Yanked = null };
            }

            Apply([file], [], initial: false);
            return catalog.TryGetFile(relativePath, out var served) ? served : null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets files a writer of the package folder has just deleted: gone from the index when this returns,
    /// from the state file soon after (batched).</summary>
    public async Task RemoveAsync(IReadOnlyCollection<string> relativePaths, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            Apply([], [.. relativePaths.Where(p => !File.Exists(Path.Combine(root, p)))], initial: false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sets or clears the PEP 592 yank state of served files (null clears), all or none: the change is on disk
    /// when this returns (an admin change is acknowledged only once saved). False when one of them is not served. Throws
    /// <see cref="StateNotSavedException"/> when the state could not be written; nothing changed then.</summary>
    public async Task<bool> SetYankedAsync(IReadOnlyCollection<string> relativePaths, string? reason, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var before = new List<PersistedFile>(relativePaths.Count);
            foreach (var relativePath in relativePaths)
            {
                if (!known.TryGetValue(relativePath, out var file) || file.Error is not null)
                {
                    return false;
                }

                before.Add(file);
            }

            foreach (var file in before)
            {
                known[file.Path] = file with { Yanked = reason };
            }

            try
            {
                store.Save(known.Values);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                foreach (var file in before)
                {
                    known[file.Path] = file;
                }

                var refused = new StateNotSavedException(store.StateDirectory, ex);
                CatalogLog.ChangeNotSaved(logger, store.StateDirectory, refused.Message);
                throw refused;
            }

            dirty = false;
            catalog.Apply([.. before.Select(f => ToCatalogFile(known[f.Path], null))], []);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A wheel's METADATA (PEP 658) from the pack, checked against its sha256. A record that does not match (the
    /// pack was damaged) is read again from the wheel itself and written anew; null when the wheel cannot give it.</summary>
    public async Task<byte[]?> ReadMetadataAsync(CatalogFile wheel, CancellationToken cancellationToken)
    {
        var bytes = store.ReadMetadata(wheel.MetadataOffset, wheel.MetadataLength);
        if (bytes is not null && Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == wheel.MetadataSha256)
        {
            return bytes;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            known.TryGetValue(wheel.RelativePath, out var previous);
            var repaired = await inspector.InspectAsync(Path.Combine(root, wheel.RelativePath), wheel.RelativePath, wheel.Distribution, previous, cancellationToken);
            if (repaired?.MetadataSha256 is null || repaired.Error is not null)
            {
                return null; // the file changed or went away meanwhile: the watcher brings the index up to date
            }

            CatalogLog.MetadataRepaired(logger, wheel.RelativePath, store.StateDirectory);
            known[repaired.Path] = repaired;
            catalog.Apply([ToCatalogFile(repaired, null)], []);
            dirty = true;
            SaveNow();
            return store.ReadMetadata(repaired.MetadataOffset!.Value, repaired.MetadataLength!.Value);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Saves now if anything changed since the last save (under <see cref="Gate"/>, or once nothing else runs).
    /// A failure is logged: the hashes are recomputed after a restart.</summary>
    internal void SaveNow()
    {
        if (!dirty)
        {
            return;
        }

        try
        {
            store.Save(known.Values);
            dirty = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CatalogLog.SaveFailed(logger, store.StateDirectory, ex.Message);
        }
    }

    /// <summary>At shutdown: no more batched saves; what is pending is saved now.</summary>
    internal void Flush()
    {
        lock (timerLock)
        {
            stopped = true;
            saveTimer?.Dispose();
            saveTimer = null;
        }

        gate.Wait();
        try
        {
            SaveNow();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        lock (timerLock)
        {
            stopped = true;
            saveTimer?.Dispose();
            saveTimer = null;
        }

        gate.Dispose();
    }

    // Batched: a burst of uploads or dropped files costs one state write a little later, never one inside a request.
    private void MarkDirty()
    {
        dirty = true;
        lock (timerLock)
        {
            if (!stopped && saveTimer is null)
            {
                saveTimer = time.CreateTimer(static state => ((CatalogWriter)state!).SaveLater(), this, SaveDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void SaveLater()
    {
        lock (timerLock)
        {
            if (stopped)
            {
                return;
            }

            saveTimer?.Dispose();
            saveTimer = null;
        }

        try
        {
            gate.Wait();
        }
        catch (ObjectDisposedException)
        {
            return; // shut down meanwhile: Flush saved
        }

        try
        {
            SaveNow();
        }
        finally
        {
            gate.Release();
        }
    }

    // The walk already parsed every name; parsing 40,000 names again costs about half a second at start-up.
    private static CatalogFile ToCatalogFile(PersistedFile file, IReadOnlyDictionary<string, DistributionFilename>? parsedNames) => new(
        file.Path,
        parsedNames?.GetValueOrDefault(file.Path) ?? CatalogPaths.ParseCandidate(file.Path)!,
        file.Size,
        new DateTimeOffset(file.LastWriteTicks, TimeSpan.Zero),
        file.Sha256!,
        file.MetadataSha256,
        file.MetadataName,
        file.RequiresPython,
        file.UploadTime,
        file.Yanked,
        file.MetadataOffset ?? 0,
        file.MetadataLength ?? 0,
        file.UploadedBy);
}
