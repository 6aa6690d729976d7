namespace PypiForge.Server.Hosting;

/// <summary>
/// Gives memory back to the system once a busy spell is over. Under load the garbage collector grows its heap to keep
/// pauses short, and a workstation collector with little surviving data rarely runs the full, compacting collection
/// that would return the room; an index that is quiet most of the day would keep the peak of its busiest minute. So,
/// once the server has allocated a good deal since it last did this and then allocates almost nothing for a few
/// seconds, one compacting collection returns the free memory (measured in docs/benchmarks.md, "Memory": the RSS after
/// a load falls back near the RSS before it). The collection pauses the process for tens of milliseconds, only while
/// it is idle; the first one ends the start-up of a large catalog.
/// </summary>
public sealed class IdleMemoryReturn(TimeProvider time, ILogger<IdleMemoryReturn> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new IdlePolicy();
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (policy.ShouldCollect(GC.GetTotalAllocatedBytes()))
                {
                    var before = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    HostingLog.MemoryReturned(logger, before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
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
