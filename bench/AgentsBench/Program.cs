using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Net.Client;
using PypiForge.Protos.V1;

// bench/agents.sh runs this: pickup latency (RequestBuild → the agent begins the job and starts pip) with in-memory
// and PostgreSQL storage, and builds/minute with one and two remote agents on the same small sdists.
// Arguments: <bin folder of src/Server> <PostgreSQL connection string> <work folder> <python> <latency samples> <throughput builds>
var bin = args[0];
var postgres = args[1];
var work = args[2];
var python = args[3];
var samples = int.Parse(args[4], CultureInfo.InvariantCulture);
var builds = int.Parse(args[5], CultureInfo.InvariantCulture);
var report = new StringBuilder();
// The build back-ends pip's isolated builds fetch from the index: setuptools from the interpreter's ensurepip, wheel from Debian.
var setuptools = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(python)!)!, "lib"), "setuptools-*.whl", SearchOption.AllDirectories).First();
var wheel = Directory.GetFiles("/usr/share/python-wheels", "wheel-*.whl").First();

var inMemory = await PickupAsync("in-memory, embedded agent", postgresStorage: false);
var shared = await PickupAsync("PostgreSQL, remote agent", postgresStorage: true);
report.AppendLine("### Pickup latency (RequestBuild → job begun, pip starting; agent idle; " + samples + " samples each)\n");
report.AppendLine("| storage | median | p90 | max |");
report.AppendLine("|---|---:|---:|---:|");
foreach (var (name, values) in new[] { inMemory, shared })
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Ms(Percentile(values, 0.5))} | {Ms(Percentile(values, 0.9))} | {Ms(values.Max())} |");
}

report.AppendLine(CultureInfo.InvariantCulture, $"\nPostgreSQL / in-memory, median: {Percentile(shared.Values, 0.5) / Math.Max(0.001, Percentile(inMemory.Values, 0.5)):0.0}×\n");
var one = await ThroughputAsync(1);
var two = await ThroughputAsync(2);
report.AppendLine(CultureInfo.InvariantCulture, $"### Throughput ({builds} builds of distinct small pure sdists, queued at once, PostgreSQL storage, one worker per agent)\n");
report.AppendLine("| agents | wall time | builds/minute |");
report.AppendLine("|---|---:|---:|");
report.AppendLine(CultureInfo.InvariantCulture, $"| 1 | {one:0.0} s | {builds * 60 / one:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| 2 | {two:0.0} s | {builds * 60 / two:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"\nTwo agents / one: {one / two:0.00}× the builds per minute.");
Console.WriteLine(report);
return 0;

async Task<(string Name, List<double> Values)> PickupAsync(string name, bool postgresStorage)
{
    await using var cluster = await BenchCluster.StartAsync(bin, work, postgres, postgresStorage, embeddedPython: postgresStorage ? null : python, [Sdist("pf-bench-a"), setuptools, wheel]);
    if (postgresStorage)
    {
        cluster.StartAgent(python);
    }

    await cluster.WaitForTargetAsync();
    var values = new List<double>();
    for (var i = 0; i < samples; i++)
    {
        await Task.Delay(1500); // let the agent go idle (waiting on its queue)
        var requested = await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-bench-a" } });
        var build = await cluster.WaitForEndAsync(requested.Id);
        var target = build.Targets.Single();
        if (build.State != BuildState.Succeeded || target.StartedAt is null)
        {
            throw new InvalidOperationException("a benchmark build failed: " + build);
        }

        values.Add((target.StartedAt.ToDateTimeOffset() - build.CreatedAt.ToDateTimeOffset()).TotalSeconds);
    }

    return (name, values);
}

async Task<double> ThroughputAsync(int agents)
{
    var files = Enumerable.Range(0, builds).Select(i => Sdist($"pf-bench-t{agents}-{i}")).Append(setuptools).Append(wheel).ToList();
    await using var cluster = await BenchCluster.StartAsync(bin, work, postgres, postgresStorage: true, embeddedPython: null, files);
    for (var i = 0; i < agents; i++)
    {
        cluster.StartAgent(python);
    }

    await cluster.WaitForTargetAsync(agents);
    var clock = Stopwatch.StartNew();
    var ids = new List<string>();
    for (var i = 0; i < builds; i++)
    {
        ids.Add((await cluster.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { $"pf-bench-t{agents}-{i}" } })).Id);
    }

    foreach (var id in ids)
    {
        var build = await cluster.WaitForEndAsync(id);
        if (build.State != BuildState.Succeeded)
        {
            throw new InvalidOperationException("a benchmark build failed: " + build);
        }
    }

    return clock.Elapsed.TotalSeconds;
}

string Sdist(string name)
{
    var folder = Directory.CreateDirectory(Path.Combine(work, "sdists")).FullName;
    var stem = $"{name}-1.0";
    var path = Path.Combine(folder, stem + ".tar.gz");
    using var file = File.Create(path);
    using var gzip = new GZipStream(file, CompressionLevel.Fastest);
    using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
    Add(tar, $"{stem}/PKG-INFO", $"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
    Add(tar, $"{stem}/setup.py", $"from setuptools import setup\nsetup(name='{name}', version='1.0', py_modules=[])\n");
    return path;
}

static void Add(TarWriter tar, string name, string text) =>
    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}

static string Ms(double seconds) => $"{seconds * 1000:0} ms";

/// <summary>A server process and remote agent processes, each killed by its own PID at the end.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<Process> processes = [];
    private readonly string bin;
    private readonly string[] queueArgs;
    private readonly int grpcPort;
    private readonly GrpcChannel channel;

    private BenchCluster(string bin, string[] queueArgs, int grpcPort)
    {
        this.bin = bin;
        this.queueArgs = queueArgs;
        this.grpcPort = grpcPort;
        channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Client = new BuildService.BuildServiceClient(channel);
    }

    public BuildService.BuildServiceClient Client { get; }

    public static async Task<BenchCluster> StartAsync(string bin, string work, string postgres, bool postgresStorage, string? embeddedPython, IEnumerable<string> files)
    {
        var root = Directory.CreateDirectory(Path.Combine(work, "root-" + Guid.NewGuid().ToString("N"))).FullName;
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        string[] queue = postgresStorage
            ? ["--Queue:Storage", "PostgreSql", "--Queue:ConnectionString", postgres, "--Queue:Schema", schema]
            : [];
        var cluster = new BenchCluster(bin, queue, FreePort());
        var http = FreePort();
        string[] agent = embeddedPython is null
            ? ["--Queue:EmbeddedAgent", "false"]
            : ["--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", embeddedPython, "--Agent:WorkerCount", "1"];
        cluster.Start("PypiForge.Server.dll", ["--urls", $"http://127.0.0.1:{http}", "--grpc-port", cluster.grpcPort.ToString(CultureInfo.InvariantCulture), "--root", root, "--state-dir", root + "-state", .. queue, .. agent]);
        using var probe = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await probe.GetAsync(new Uri($"http://127.0.0.1:{http}/health"))).StatusCode == HttpStatusCode.OK)
                {
                    return cluster;
                }
            }
            catch (HttpRequestException)
            {
                // not up yet
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the server did not start");
    }

    public void StartAgent(string python) =>
        Start("PypiForge.Agent.dll", ["--server", $"http://127.0.0.1:{grpcPort}", .. queueArgs, "--Agent:Interpreters:0", python, "--Agent:WorkerCount", "1"]);

    public async Task WaitForTargetAsync(int agents = 1)
    {
        for (var i = 0; i < 1200; i++)
        {
            var targets = await Client.ListTargetsAsync(new ListTargetsRequest());
            if (targets.Targets.Count == 1 && targets.Targets[0].Agents.Count == agents)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the agents did not register");
    }

    public async Task<Build> WaitForEndAsync(string id)
    {
        for (var i = 0; i < 6000; i++)
        {
            var build = await Client.GetBuildAsync(new GetBuildRequest { Id = id });
            if (build.State is BuildState.Succeeded or BuildState.Failed or BuildState.Cancelled)
            {
                return build;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"build {id} did not end within 5 minutes");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        channel.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Start(string dll, string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = bin };
        info.ArgumentList.Add(Path.Combine(bin, dll));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
    }
}
