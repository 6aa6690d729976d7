using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Catalog;

/// <summary>Keeps the catalog equal to the folder: a full load at start-up (reusing persisted hashes),
/// a file-system watcher for changes within about a second, and a periodic reconcile because watchers drop events.</summary>
public sealed class CatalogSynchronizer : BackgroundService
{
    private const string ReconcileNow = "\0reconcile";
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(2);

    private readonly CatalogOptions options;
    private readonly string root;
    private readonly PackageCatalog catalog;
    private readonly CatalogStateStore store;
    private readonly FileInspector inspector;
    private readonly TimeProvider time;
    private readonly ILogger<CatalogSynchronizer> logger;
    private readonly Channel<string> events = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim gate = new(1, 1);
    private Dictionary<string, PersistedFile> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DistributionFilename> parsedNames = new(StringComparer.Ordinal);
    private FileSystemWatcher? watcher;
    private bool dirty;

    public CatalogSynchronizer(
        IOptions<CatalogOptions> options,
        PackageCatalog catalog,
        CatalogStateStore store,
        FileInspector inspector,
        TimeProvider time,
        ILogger<CatalogSynchronizer> logger)
    {
        this.options = options.Value;
        root = this.options.RootPath;
        this.catalog = catalog;
        this.store = store;
        this.inspector = inspector;
        this.time = time;
        this.logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        store.EnsureCreated();

        // Walking the folder and reading the state file are independent: do both at once.
        var walk = Task.Run(WalkCandidates, cancellationToken);
        known = store.Load(out var problem, out var skipped, out var untrusted);
        var candidates = await walk;
        if (problem is not null)
        {
            CatalogLog.StateUnreadable(logger, store.StateDirectory, problem);
        }

        if (skipped > 0)
        {
            CatalogLog.StateEntriesSkipped(logger, store.StateDirectory, skipped);
        }

        dirty |= store.LoadedUnchecked;
        if (untrusted.Count > 0)
        {
            CatalogLog.StateEntriesUntrusted(logger, store.StateDirectory, untrusted.Count, string.Join(", ", untrusted.Take(5)));
            dirty = true;
        }

        // The first snapshot is complete before Kestrel starts listening: no client ever sees a half-loaded index.
        await ReconcileAsync(initial: true, cancellationToken, candidates);
        StartWatcher();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        watcher?.Dispose();
        await base.StopAsync(cancellationToken);
        SaveState();
    }

    public override void Dispose()
    {
        watcher?.Dispose();
        gate.Dispose();
        base.Dispose();
    }

    /// <summary>Brings one path (file or folder) up to date now; for writers that must see their file served at once.</summary>
    public async Task RefreshAsync(string fullPath, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ProcessPathsAsync([fullPath], cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sets or clears the PEP 592 yank state of served files (null clears), all or none: the change is on disk
    /// when this returns. False when one of them is not served. Throws <see cref="StateNotSavedException"/> when the state
    /// could not be written; nothing changed then.</summary>
    public Task<bool> SetYankedAsync(IReadOnlyCollection<string> relativePaths, string? reason, CancellationToken cancellationToken) =>
        UpdateAsync(relativePaths, file => file with { Yanked = reason }, cancellationToken);

    /// <summary>Records who uploaded a file and when (a re-upload that replaced a file starts unyanked), durably like
    /// <see cref="SetYankedAsync"/>.</summary>
    public Task<bool> RecordUploadAsync(string relativePath, string uploader, DateTimeOffset time, CancellationToken cancellationToken) =>
        UpdateAsync([relativePath], file => file with { UploadedBy = uploader, UploadTime = time, Yanked = null }, cancellationToken);

    private async Task<bool> UpdateAsync(IReadOnlyCollection<string> relativePaths, Func<PersistedFile, PersistedFile> change, CancellationToken cancellationToken)
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
                known[file.Path] = change(file);
            }

            try
            {
                // Acknowledged only once durable: a change the disk refused must not be shown, nor come back after a restart.
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
            catalog.Apply([.. before.Select(f => ToCatalogFile(known[f.Path]))], []);
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
            catalog.Apply([ToCatalogFile(repaired)], []);
            dirty = true;
            SaveState();
            return store.ReadMetadata(repaired.MetadataOffset!.Value, repaired.MetadataLength!.Value);
        }
        finally
        {
            gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var nextReconcile = time.GetUtcNow() + options.ReconcileInterval;
        var nextSave = DateTimeOffset.MaxValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wake = nextReconcile < nextSave ? nextReconcile : nextSave;
            foreach (var seen in pending.Values)
            {
                if (seen + options.SettleDelay < wake)
                {
                    wake = seen + options.SettleDelay;
                }
            }

            await WaitForEventsAsync(wake - now, stoppingToken);
            now = time.GetUtcNow();
            while (events.Reader.TryRead(out var path))
            {
                if (path == ReconcileNow)
                {
                    nextReconcile = now;
                }
                else
                {
                    pending[path] = now;
                }
            }

            var due = pending.Where(p => now - p.Value >= options.SettleDelay).Select(static p => p.Key).ToList();
            await gate.WaitAsync(stoppingToken);
            try
            {
                foreach (var path in due)
                {
                    pending.Remove(path);
                }

                if (due.Count > 0)
                {
                    await ProcessPathsAsync(due, stoppingToken);
                }

                if (now >= nextReconcile)
                {
                    await ReconcileAsync(initial: false, stoppingToken);
                    nextReconcile = time.GetUtcNow() + options.ReconcileInterval;
                }

                // Saving is batched: a burst of dropped files costs one state write, not one per file.
                if (dirty && nextSave == DateTimeOffset.MaxValue)
                {
                    nextSave = now + SaveDelay;
                }
                else if (now >= nextSave)
                {
                    SaveState();
                    nextSave = DateTimeOffset.MaxValue;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                CatalogLog.WatcherProblem(logger, root, ex.Message);
                nextReconcile = now + options.SettleDelay + TimeSpan.FromSeconds(1);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task WaitForEventsAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await events.Reader.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The timer fired: time for a settled path, a reconcile or a save.
        }
    }

    private void StartWatcher()
    {
        try
        {
            watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            watcher.Created += OnFileEvent;
            watcher.Changed += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += (_, e) =>
            {
                Enqueue(e.OldFullPath);
                Enqueue(e.FullPath);
            };
            watcher.Error += (_, e) =>
            {
                CatalogLog.WatcherProblem(logger, root, e.GetException().Message);
                events.Writer.TryWrite(ReconcileNow);
            };
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            CatalogLog.WatcherProblem(logger, root, ex.Message);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => Enqueue(e.FullPath);

    private void Enqueue(string fullPath)
    {
        var relative = CatalogPaths.ToRelative(root, fullPath);
        if (relative is not null && !CatalogPaths.IsHidden(relative))
        {
            events.Writer.TryWrite(fullPath);
        }
    }

    private async Task ProcessPathsAsync(IReadOnlyCollection<string> fullPaths, CancellationToken cancellationToken)
    {
        var work = new List<(string Full, string Relative, DistributionFilename? Name)>();
        var removed = new List<string>();
        foreach (var full in fullPaths)
        {
            var relative = CatalogPaths.ToRelative(root, full);
            if (relative is null || CatalogPaths.IsHidden(relative))
            {
                continue;
            }

            var prefix = relative + "/";
            if (Directory.Exists(full)
                || (!known.ContainsKey(relative) && !File.Exists(full) && known.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))))
            {
                // A folder appeared, moved or vanished: one walk settles every file under it.
                await ReconcileAsync(initial: false, cancellationToken);
                return;
            }

            if (!CatalogPaths.IsCandidate(relative, out var name))
            {
                continue;
            }

            var info = new FileInfo(full);
            if (!info.Exists)
            {
                if (known.ContainsKey(relative))
                {
                    removed.Add(relative);
                }
            }
            else if (!known.TryGetValue(relative, out var previous) || !previous.Matches(info.Length, info.LastWriteTimeUtc)
                || (previous.Error is null && CatalogPaths.IsLink(info)))
            {
                work.Add((full, relative, name));
            }
        }

        await ApplyAsync(work, removed, initial: false, cancellationToken);
    }

    private List<(string Relative, FileInfo Info, DistributionFilename? Name)> WalkCandidates()
    {
        var candidates = new List<(string Relative, FileInfo Info, DistributionFilename? Name)>();
        foreach (var (relative, info) in CatalogPaths.Walk(root))
        {
            if (CatalogPaths.IsCandidate(relative, out var name))
            {
                candidates.Add((relative, info, name));
            }
        }

        return candidates;
    }

    private async Task ReconcileAsync(
        bool initial,
        CancellationToken cancellationToken,
        List<(string Relative, FileInfo Info, DistributionFilename? Name)>? candidates = null)
    {
        var started = Stopwatch.GetTimestamp();
        var work = new List<(string Full, string Relative, DistributionFilename? Name)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var packLength = store.MetadataPackLength;
        parsedNames.Clear();
        foreach (var (relative, info, name) in candidates ?? WalkCandidates())
        {
            seen.Add(relative);
            if (name is not null)
            {
                parsedNames[relative] = name;
            }

            var reusable = known.TryGetValue(relative, out var previous)
                && previous.Matches(info.Length, info.LastWriteTimeUtc)
                && (previous.Error is not null || !CatalogPaths.IsLink(info))
                && (previous.Error is not null || previous.Sha256 is not null)
                && (previous.Error is not null || previous.MetadataSha256 is null
                    || (previous.MetadataOffset >= 0 && previous.MetadataLength >= 0 && previous.MetadataOffset + previous.MetadataLength <= packLength));
            if (!reusable)
            {
                work.Add((info.FullName, relative, name));
            }
        }

        var removed = known.Keys.Where(k => !seen.Contains(k)).ToList();
        await ApplyAsync(work, removed, initial, cancellationToken);
        parsedNames.Clear();
        if (initial)
        {
            var snapshot = catalog.Current;
            CatalogLog.Loaded(logger, root, snapshot.FileCount, snapshot.Projects.Count, work.Count, seen.Count - work.Count,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            SaveState();
        }
    }

    private async Task ApplyAsync(
        List<(string Full, string Relative, DistributionFilename? Name)> work,
        List<string> removed,
        bool initial,
        CancellationToken cancellationToken)
    {
        var inspected = new ConcurrentBag<PersistedFile>();
        IOException? stateFull = null;
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    known.TryGetValue(item.Relative, out var previous);
                    var result = CatalogPaths.IsLinked(root, item.Relative) ? LeftOut(item.Full, item.Relative, CatalogPaths.LinkReason)
                        : item.Name is null ? LeftOut(item.Full, item.Relative, UnparseableReason)
                        : await inspector.InspectAsync(item.Full, item.Relative, item.Name, previous, ct);
                    if (result is not null)
                    {
                        inspected.Add(result);
                    }
                }
                catch (IOException ex) when (DiskSpace.IsFull(ex))
                {
                    // Reading a distribution needs no space: its METADATA could not be added to the pack in the state folder.
                    stateFull = ex;
                    CatalogLog.ReadFailed(logger, item.Relative, $"{DiskSpace.NoSpaceIn(store.StateDirectory)}; an operator must free space");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    CatalogLog.ReadFailed(logger, item.Relative, ex.Message);
                }
            });

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
                    upserts.Add(ToCatalogFile(file));
                }
            }
        }

        dirty |= removals.Count > 0 || !inspected.IsEmpty;
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

            catalog.Load(CatalogSnapshot.Create(known.Values.Where(static f => f.Error is null).Select(ToCatalogFile)));
            return;
        }

        if (upserts.Count > 0 || removals.Count > 0)
        {
            var snapshot = catalog.Apply(upserts, removals);
            CatalogLog.Updated(logger, upserts.Count, removed.Count, snapshot.Projects.Count, snapshot.FileCount);
        }

        if (stateFull is not null)
        {
            // A writer waiting for its file to be served (an upload, a published wheel) must hear that it is not.
            throw new StateNotSavedException(store.StateDirectory, stateFull);
        }
    }

    private const string UnparseableReason =
        "its name does not follow the distribution naming rules (PEP 427 for wheels: name-version-python-abi-platform.whl; "
        + "PEP 625 for sdists: name-version.tar.gz)";

    // Remembered like a corrupt file, so it is reported once and again only when it changes. Size and time are the
    // file's own (a link's, not its target's), as the walk and the watcher both see them.
    private static PersistedFile? LeftOut(string fullPath, string relativePath, string reason)
    {
        var info = new FileInfo(fullPath);
        return info.Exists
            ? new PersistedFile(relativePath, info.Length, new DateTimeOffset(info.LastWriteTimeUtc).UtcTicks, null, null, null, null,
                new DateTimeOffset(info.LastWriteTimeUtc), null, reason)
            : null;
    }

    // The walk already parsed every name; parsing 40,000 names again costs about half a second at start-up.
    private CatalogFile ToCatalogFile(PersistedFile file) => new(
        file.Path,
        parsedNames.GetValueOrDefault(file.Path) ?? CatalogPaths.ParseCandidate(file.Path)!,
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

    private void SaveState()
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
}
