namespace PypiForge.Server.Hosting;

/// <summary>
/// Gives memory back to the system once a busy spell is over. Under load the garbage collector grows its heap to keep
/// pauses short, and a workstation collector with little surviving data rarely runs the full, compacting collection
/// that would return the room; an index that is quiet most of the day would keep the peak of its busiest minute. So,
/// once the server has allocated a good deal since it last did this and then allocates almost nothing for a few
/// seconds, one compacting collection returns the free memory (measured in docs/benchmarks.md, "Memory": the RSS after
/// a load falls back near the RSS before it). The collection pauses the process for tens of milliseconds, only while
/// it is idle. A start-up that allocated as much (the catalog of a large folder: the walk, the state file, parsed
/// names) is collected the same way as soon as the server answers, without waiting for quiet.
/// </summary>
public sealed class IdleMemoryReturn(IHostApplicationLifetime lifetime, TimeProvider time, ILogger<IdleMemoryReturn> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new IdlePolicy();
        try
        {
            // Until the server answers (the catalog is loaded by then), or stops before it ever does.
            using (var startedOrStopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stoppingToken))
                await Task.Delay(Timeout.InfiniteTimeSpan, startedOrStopping.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            stoppingToken.ThrowIfCancellationRequested();
            if (policy.ShouldCollectAfterStart(GC.GetTotalAllocatedBytes()))
                Collect();

            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (policy.ShouldCollect(GC.GetTotalAllocatedBytes()))
                    Collect();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Collect()
    {
        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        HostingLog.MemoryReturned(logger, before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
    }

    /// <summary>When to collect, from the process's allocation counter read once per tick.</summary>
    internal sealed class IdlePolicy
    {
        /// <summary>Allocated since the last collection before one is worth it: less leaves little to return.</summary>
        public const long Worthwhile = 96L * 1024 * 1024;

        /// <summary>At most this much allocated per tick counts as idle (a few hundred requests a second).</summary>
        public const long IdleRate = 1024L * 1024;

        /// <summary>Idle ticks in a row before collecting, so a pause in a burst is not taken for its end.</summary>
        public const int IdleTicks = 3;

        private long lastTick = -1;
        private long lastCollection;
        private int idle;

        /// <summary>Once, when the server first answers: collect when start-up itself allocated enough.</summary>
        public bool ShouldCollectAfterStart(long allocated)
        {
            lastTick = allocated;
            if (allocated < Worthwhile)
            {
                return false;
            }

            lastCollection = allocated;
            return true;
        }

        public bool ShouldCollect(long allocated)
        {
            if (lastTick < 0)
            {
                lastTick = allocated;
                return false;
            }

            idle = allocated - lastTick <= IdleRate ? idle + 1 : 0;
            lastTick = allocated;
            if (idle < IdleTicks || allocated - lastCollection < Worthwhile)
            {
                return false;
            }

            lastCollection = allocated;
            idle = 0;
            return true;
        }
    }
}
