using System.Diagnostics.Metrics;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Metrics;

/// <summary>Gauges read at scrape time from what the server already keeps: the catalog snapshot, the build records and
/// the targets as ListTargets shows them (Hangfire's server registry and queues). Nothing is counted on the request path.</summary>
public sealed class MetricsGauges
{
    private static readonly TargetState[] States = Enum.GetValues<TargetState>();

    private readonly PackageCatalog catalog;
    private readonly BuildRecords records;
    // The three target gauges are read one after the other in one scrape; one look at Hangfire serves them all.
    private readonly LiveTargetList targets;

    public MetricsGauges(ServerMetrics metrics, PackageCatalog catalog, BuildRecords records, LiveTargetList targets)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        this.catalog = catalog;
        this.records = records;
        this.targets = targets;
        var meter = metrics.Meter;
        meter.CreateObservableGauge("pypiforge_catalog_files", () => (long)this.catalog.Current.FileCount, null, "Distribution files the index serves.");
        meter.CreateObservableGauge("pypiforge_catalog_projects", () => (long)this.catalog.Current.Projects.Count, null, "Projects the index serves.");
        meter.CreateObservableGauge("pypiforge_catalog_rejected_files", () => (long)this.catalog.Rejected.Count, null,
            "Files in the package folder left out of the index (invalid name or archive); the log says why.");
        meter.CreateObservableGauge("pypiforge_build_targets", BuildTargets, null, "Build targets held by the server (every build it knows), by target and state.");
        meter.CreateObservableGauge("pypiforge_build_queued_jobs", () => Targets().Select(static t => new Measurement<long>(t.Queued, Label(t))), null,
            "Jobs waiting in each live target's queue.");
        meter.CreateObservableGauge("pypiforge_build_running_jobs", () => Targets().Select(static t => new Measurement<long>(t.Running, Label(t))), null,
            "Build targets running on each live target.");
        meter.CreateObservableGauge("pypiforge_agents", () => (long)Targets().SelectMany(static t => t.Agents).Select(static a => a.Id).Distinct(StringComparer.Ordinal).Count(), null,
            "Live build agents (Hangfire servers with a recent heartbeat that serve at least one target queue).");
    }

    private static KeyValuePair<string, object?> Label(Target target) => new("target", target.Name);

    private IEnumerable<Measurement<long>> BuildTargets()
    {
        var counts = records.CountTargets();
        // Every state of every target that has any, zeros included, so a state that empties reads 0 rather than vanishing.
        foreach (var target in counts.Keys.Select(static k => k.Target).Distinct(StringComparer.Ordinal))
        {
            foreach (var state in States)
            {
                yield return new Measurement<long>(counts.GetValueOrDefault((target, state)),
                    new KeyValuePair<string, object?>("target", target), new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant()));
            }
        }
    }

    private IReadOnlyList<Target> Targets() => targets.Current();
}
