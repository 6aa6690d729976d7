using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Catalog;

/// <summary>Keeps the catalog equal to the folder: a full load at start-up (reusing persisted hashes), a file-system
/// watcher for changes within about a second, and a periodic reconcile because watchers drop events. What it reads goes
/// to the <see cref="CatalogWriter"/>, which owns what is known and saves it.</summary>
public sealed class CatalogSynchronizer : BackgroundService
{
    private const string ReconcileNow = "\0reconcile";

    private readonly CatalogOptions options;
    private readonly string root;
    private readonly PackageCatalog catalog;
    private readonly CatalogStateStore store;
    private readonly CatalogWriter writer;
    private readonly FileInspector inspector;
    private readonly TimeProvider time;
    private readonly ILogger<CatalogSynchronizer> logger;
    private readonly Channel<string> events = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private FileSystemWatcher? watcher;

    public CatalogSynchronizer(
        IOptions<CatalogOptions> options,
        PackageCatalog catalog,
        CatalogStateStore store,
        CatalogWriter writer,
        FileInspector inspector,
        TimeProvider time,
        ILogger<CatalogSynchronizer> logger)
    {
        this.options = options.Value;
        root = this.options.RootPath;
        this.catalog = catalog;
        this.store = store;
        this.writer = writer;
        this.inspector = inspector;
        this.time = time;
        this.logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SimpleIndex.PageMemory.Shared.Configure(options.PageCacheMiB * 1024L * 1024);
        Directory.CreateDirectory(root);
        store.EnsureCreated();

        // Walking the folder and reading the state file are independent: do both at once.
        var walk = Task.Run(WalkCandidates, cancellationToken);
        var remembered = store.Load(out var problem, out var skipped, out var untrusted);
        var candidates = await walk;
        if (problem is not null)
        {
            CatalogLog.StateUnreadable(logger, store.StateDirectory, problem);
        }

        if (skipped > 0)
        {
            CatalogLog.StateEntriesSkipped(logger, store.StateDirectory, skipped);
        }

        if (untrusted.Count > 0)
        {
            CatalogLog.StateEntriesUntrusted(logger, store.StateDirectory, untrusted.Count, string.Join(", ", untrusted.Take(5)));
        }

        writer.Remember(remembered, saveSoon: store.LoadedUnchecked || untrusted.Count > 0);

        // The first snapshot is complete before Kestrel starts listening: no client ever sees a half-loaded index.
        await writer.Gate.WaitAsync(cancellationToken);
        try
        {
            await ReconcileAsync(initial: true, cancellationToken, candidates);
        }
        finally
        {
            writer.Gate.Release();
        }

        StartWatcher();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        watcher?.Dispose();
        await base.StopAsync(cancellationToken);
        writer.Flush();
    }

    public override void Dispose()
    {
        watcher?.Dispose();
        base.Dispose();
    }

    /// <summary>Brings one path (file or folder) up to date now, reading what changed; for a writer that found the
    /// folder differ from what it expected (a name taken meanwhile, a file deleted).</summary>
    public async Task RefreshAsync(string fullPath, CancellationToken cancellationToken)
    {
        await writer.Gate.WaitAsync(cancellationToken);
        try
        {
            await ProcessPathsAsync([fullPath], cancellationToken);
        }
        finally
        {
            writer.Gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var nextReconcile = time.GetUtcNow() + options.ReconcileInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wake = nextReconcile;
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
            await writer.Gate.WaitAsync(stoppingToken);
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
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                CatalogLog.WatcherProblem(logger, root, ex.Message);
                nextReconcile = now + options.SettleDelay + TimeSpan.FromSeconds(1);
            }
            finally
            {
                writer.Gate.Release();
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
                || (!writer.Known.ContainsKey(relative) && !File.Exists(full) && writer.Known.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))))
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
                if (writer.Known.ContainsKey(relative))
                {
                    removed.Add(relative);
                }
            }
            else if (!writer.Known.TryGetValue(relative, out var previous) || !previous.Matches(info.Length, info.LastWriteTimeUtc)
                || (previous.Error is null && CatalogPaths.IsLink(info)))
            {
                work.Add((full, relative, name));
            }
        }

        await ApplyAsync(work, removed, initial: false, cancellationToken);
    }

    private List<(WalkedFile File, DistributionFilename? Name)> WalkCandidates()
    {
        var candidates = new List<(WalkedFile File, DistributionFilename? Name)>();
        foreach (var file in CatalogPaths.Walk(root))
        {
            if (CatalogPaths.IsCandidate(file.RelativePath, out var name))
            {
                candidates.Add((file, name));
            }
        }

        return candidates;
    }

    private async Task ReconcileAsync(
        bool initial,
        CancellationToken cancellationToken,
        List<(WalkedFile File, DistributionFilename? Name)>? candidates = null)
    {
        var started = Stopwatch.GetTimestamp();
        var work = new List<(string Full, string Relative, DistributionFilename? Name)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var packLength = store.MetadataPackLength;
        var parsedNames = new Dictionary<string, DistributionFilename>(StringComparer.Ordinal);
        foreach (var (file, name) in candidates ?? WalkCandidates())
        {
            var relative = file.RelativePath;
            seen.Add(relative);
            if (name is not null)
            {
                parsedNames[relative] = name;
            }

            var reusable = writer.Known.TryGetValue(relative, out var previous)
                && previous.Matches(file.Length, file.LastWriteTimeUtc)
                && (previous.Error is not null || !file.IsLink)
                && (previous.Error is not null || previous.Sha256 is not null)
                && (previous.Error is not null || previous.MetadataSha256 is null
                    || (previous.MetadataOffset >= 0 && previous.MetadataLength >= 0 && previous.MetadataOffset + previous.MetadataLength <= packLength));
            if (!reusable)
            {
                work.Add((Path.Combine(root, relative), relative, name));
            }
        }

        var removed = writer.Known.Keys.Where(k => !seen.Contains(k)).ToList();
        await ApplyAsync(work, removed, initial, cancellationToken, parsedNames);
        if (initial)
        {
            var snapshot = catalog.Current;
            CatalogLog.Loaded(logger, root, snapshot.FileCount, snapshot.Projects.Count, work.Count, seen.Count - work.Count,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            writer.SaveNow();
        }
    }

    private async Task ApplyAsync(
        List<(string Full, string Relative, DistributionFilename? Name)> work,
        List<string> removed,
        bool initial,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DistributionFilename>? parsedNames = null)
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
                    writer.Known.TryGetValue(item.Relative, out var previous);
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

        writer.Apply([.. inspected], removed, initial, parsedNames);
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
}
