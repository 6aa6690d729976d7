using System.Diagnostics;
using System.Diagnostics.Metrics;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Uploads;

namespace PypiForge.Server.Metrics;

/// <summary>The server's own instruments, counted where things happen (a request ends, an upload is accepted, an upstream
/// page is fetched). Each call adds to a series chosen by a few fixed labels (counters with an interlocked add, the
/// histogram under its series' spin lock for a few instructions); with <c>Metrics:Access</c>
/// off nothing listens and each call returns at once. Gauges (catalog, builds, queues) are read at scrape time by
/// <see cref="MetricsGauges"/> instead.</summary>
/// <remarks>The meter comes from the host's <see cref="IMeterFactory"/>, so a test process that runs several servers
/// keeps each server's numbers apart (the exporter keeps only this host's meters).</remarks>
public sealed class ServerMetrics
{
    public const string MeterName = "PypiForge";

    // 0.1 ms .. 10 s: a cached index page takes well under a millisecond, a large download or an upload seconds.
    private static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] CodeLabels = [.. Enumerable.Range(0, 600).Select(static c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly Histogram<double> requestDuration;
    private readonly Counter<long> uploads;
    private readonly Counter<long> uploadBytes;
    private readonly Counter<long> upstreamPages;
    private readonly Counter<long> upstreamFiles;
    private readonly Counter<long> heldBack;
    private readonly Counter<long> finishedTargets;

    public ServerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        requestDuration = Meter.CreateHistogram(
            "pypiforge_http_request_duration", "s", "HTTP requests by route class and status code, and how long they took (to the last byte handed to the server).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        uploads = Meter.CreateCounter<long>("pypiforge_uploads", null, "Uploads (POST / and /legacy with :action=file_upload) by outcome.");
        uploadBytes = Meter.CreateCounter<long>("pypiforge_upload", "By", "Bytes of distributions accepted by uploads (stored, replaced or already served).");
        upstreamPages = Meter.CreateCounter<long>("pypiforge_upstream_page_lookups", null,
            "Upstream project pages wanted: hit (answered from the copy here), miss (asked the upstream), error (the upstream failed; a stale copy or nothing was served).");
        upstreamFiles = Meter.CreateCounter<long>("pypiforge_upstream_file_requests", null,
            "Upstream file requests: hit (served from the cache), miss (downloaded, or waited for a download), error (a download that failed).");
        heldBack = Meter.CreateCounter<long>("pypiforge_upstream_files_held_back", null, "Upstream file downloads refused because the release cooldown holds the file back.");
        finishedTargets = Meter.CreateCounter<long>("pypiforge_build_targets_finished", null, "Build targets that ended, by target and outcome (succeeded, failed, cancelled).");
    }

    /// <summary>The meter the gauges are made on too.</summary>
    public Meter Meter { get; }

    public void RequestHandled(string route, int statusCode, long startTimestamp)
    {
        if (!requestDuration.Enabled)
        {
            return;
        }

        var code = (uint)statusCode < CodeLabels.Length ? CodeLabels[statusCode] : "other";
        requestDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new TagList { { "route", route }, { "code", code } });
    }

    public void Uploaded(UploadOutcome outcome, long bytes)
    {
        var label = outcome switch
        {
            UploadOutcome.Stored => "stored",
            UploadOutcome.Replaced => "replaced",
            _ => "already_served",
        };
        uploads.Add(1, new KeyValuePair<string, object?>("outcome", label));
        uploadBytes.Add(bytes);
    }

    /// <summary>An upload refused (bad form, file, digest, conflict, full disk: 4xx/5xx) or abandoned by its client.</summary>
    public void UploadFailed(bool aborted) =>
        uploads.Add(1, new KeyValuePair<string, object?>("outcome", aborted ? "aborted" : "refused"));

    public void UpstreamPage(UpstreamResult result) => upstreamPages.Add(1, new KeyValuePair<string, object?>("result", Label(result)));

    public void UpstreamFile(UpstreamResult result) => upstreamFiles.Add(1, new KeyValuePair<string, object?>("result", Label(result)));

    public void UpstreamFileHeldBack() => heldBack.Add(1);

    public void TargetFinished(string target, TargetState state) =>
        finishedTargets.Add(1, new TagList { { "target", target }, { "outcome", state.ToString().ToLowerInvariant() } });

    private static string Label(UpstreamResult result) => result switch
    {
        UpstreamResult.Hit => "hit",
        UpstreamResult.Miss => "miss",
        _ => "error",
    };
}
