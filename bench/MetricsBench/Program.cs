using System.Diagnostics;
using OpenTelemetry.Metrics;
using PypiForge.Server.Metrics;

// The work the request-metrics middleware adds to one request: a timestamp, the route class of the path and one
// histogram record under (route, code), with the exporter's MeterProvider listening (Metrics:Access loopback) and with
// nothing listening. CPU time of this process over N calls, on 1 and 2 threads (the same series: the worst case for
// the histogram's per-series lock).
const int Calls = 5_000_000;

foreach (var listening in new[] { false, true })
{
    var services = new ServiceCollection();
    services.AddMetrics();
    var configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Metrics:Access"] = listening ? "loopback" : "off" })
        .Build();
    services.AddPypiForgeMetrics(configuration);
#pragma warning disable ASP0000 // a bare container on purpose: no host, no Kestrel, only the metrics services
    await using var provider = services.BuildServiceProvider();
#pragma warning restore ASP0000
    _ = provider.GetService<MeterProvider>(); // starts listening, as the host does at start-up
    var metrics = provider.GetRequiredService<ServerMetrics>();

    foreach (var threads in new[] { 1, 2 })
    {
        Run(metrics, threads, Calls / 10); // warm-up: JIT tiers, the series exists
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Run(metrics, threads, Calls);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"{(listening ? "loopback (exporter listening)" : "off (nothing listening)"),-30} {threads} thread(s): "
            + $"{used.TotalNanoseconds / (Calls * (double)threads):F0} ns CPU per request");
    }
}

static void Run(ServerMetrics metrics, int threads, int calls)
{
    var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "GET";
        request.Path = "/simple/proj0100/";
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            metrics.RequestHandled(RouteClass.Of(request), 200, start);
        }
    })).ToList();
    workers.ForEach(static t => t.Start());
    workers.ForEach(static t => t.Join());
}
