using System.Globalization;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;
using PypiForge.Server.Hosting;

// Usage: PagesBench BUILDS [server arguments...]. Starts the real server (as Program.cs does), opens BUILDS build records
// (each asks for one corpus project, on target cp311-cp311-linux_x86_64; nine in ten finished, half of those failed,
// each with a 20-line log tail), prints "ready", and runs until stdin closes.
var count = int.Parse(args[0], CultureInfo.InvariantCulture);
var serverArgs = args[1..];
var builder = WebApplication.CreateBuilder(serverArgs);
builder.AddPypiForgeServer(serverArgs);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.MapPypiForge();
await app.StartAsync();

const string Target = "cp311-cp311-linux_x86_64";
var records = app.Services.GetRequiredService<BuildRecords>();
var tail = Enumerable.Range(0, 20).Select(static i => $"line {i} of a build's output <with> some & markup").ToList();
for (var i = 0; i < count; i++)
{
    var id = i.ToString("x12", CultureInfo.InvariantCulture);
    var requirement = $"proj{i % 2000:D4}==1.0.{i % 20}";
    records.Open(new NewBuild(id, [requirement], false, false, null, id, [(Target, Path.Combine(Path.GetTempPath(), id + ".log"), null)]));
    if (i % 10 != 0 && records.Begin(id, Target, remote: false) is not null)
    {
        var failed = i % 2 == 0;
        records.Complete(id, Target, new TargetOutcome(failed ? TargetState.Failed : TargetState.Succeeded, failed ? "pip wheel exited with 1" : null, tail, [], TimeSpan.FromSeconds(3)));
    }
}

Console.WriteLine("ready " + app.Services.GetRequiredService<ServerEndpoints>().HttpBaseUri);
await Console.In.ReadToEndAsync();
await app.StopAsync();
