using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>
/// Warns once for each build target that shows up (an embedded or remote agent serving its queue) when this index
/// serves no setuptools or wheel it can install, naming what to drop in (see <see cref="BuildBackends"/>). The server
/// checks, not the agent: it holds the catalog, and sees every agent's targets.
/// </summary>
public sealed class BuildBackendWarnings(ILiveTargets targets, PackageCatalog catalog, TimeProvider time, ILogger<BuildBackendWarnings> logger) : BackgroundService
{
    /// <summary>How often the live targets are looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> checkedTargets = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Checks targets not checked before; returns the warnings given.</summary>
    public IReadOnlyList<string> CheckNewTargets()
    {
        if (!catalog.IsReady)
            return [];

        var warnings = new List<string>();
        foreach (var target in targets.Names())
        {
            lock (gate)
            {
                if (!checkedTargets.Add(target))
                    continue;
            }

            if (BuildBackends.Problem(target, catalog.Current) is { } problem)
            {
                BuildsLog.BackendsMissing(logger, target, problem);
                warnings.Add(problem);
            }
        }

        return warnings;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                CheckNewTargets();
            }
#pragma warning disable CA1031 // A warning for operators must never stop the server (a BackgroundService that throws stops the host).
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                // E.g. the queue storage is unreachable for now (PostgreSQL restarting): the next tick looks again.
                BuildsLog.BackendCheckFailed(logger, ex.Message);
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
