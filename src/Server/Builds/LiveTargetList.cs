using PypiForge.Protos.V1;

namespace PypiForge.Server.Builds;

/// <summary>The live targets (agents, heartbeats, queue lengths) for pages and the metrics gauges, asked of the queue at
/// most once per <see cref="MaxAge"/>: a busy project page or a scrape must not turn into one queue-storage query per
/// read.</summary>
public sealed class LiveTargetList(BuildScheduler scheduler, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly Lock sync = new();
    private (DateTimeOffset At, IReadOnlyList<Target> Targets)? last;

    public IReadOnlyList<Target> Current()
    {
        var now = time.GetUtcNow();
        lock (sync)
        {
            if (last is { } cached && now - cached.At < MaxAge)
            {
                return cached.Targets;
            }
        }

        var targets = scheduler.Targets();
        lock (sync)
        {
            last = (now, targets);
        }

        return targets;
    }
}
