using Grpc.Core;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;
using Spectre.Console;

namespace PypiForge.Cli.Builds;

/// <summary>Follows a build through WatchBuild until it ends, showing it as a live table (a terminal), as one line per
/// target state change (a pipe or file), with pip's log lines, or not at all (--json).</summary>
public static class BuildWatch
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    public enum View
    {
        /// <summary>Nothing until the end (--json).</summary>
        Quiet,

        /// <summary>A line whenever a target's state changes.</summary>
        States,

        /// <summary>The live table: state, elapsed time, pip's step, wheels per target.</summary>
        Table,

        /// <summary>pip's log lines as they come, and the state changes.</summary>
        Log,
    }

    /// <summary>Returns the build as it ended (asked once more if the stream closed before the end).</summary>
    public static async Task<Build> FollowAsync(CliContext context, string id, View view, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = new BuildService.BuildServiceClient(context.Invoker);
        var progress = new BuildProgress();
        using (var call = client.WatchBuild(new WatchBuildRequest { Id = id }, cancellationToken: cancellation))
        {
            if (view == View.Table)
            {
                await ShowLiveAsync(context.Out, ReadAsync(call, progress, _ => { }, cancellation), progress, cancellation);
            }
            else
            {
                var printed = new Dictionary<string, BuildState>(StringComparer.Ordinal);
                await ReadAsync(call, progress, change => Print(context.Out, change, view, printed), cancellation);
            }
        }

        var build = progress.Latest;
        if (build is null || !BuildStates.HasEnded(build.State))
        {
            build = await client.GetBuildAsync(new GetBuildRequest { Id = id }, cancellationToken: cancellation);
        }

        return build;
    }

    private static async Task ReadAsync(AsyncServerStreamingCall<BuildEvent> call, BuildProgress progress, Action<BuildEvent> onEvent, CancellationToken cancellation)
    {
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellation))
        {
            progress.Apply(change);
            onEvent(change);
        }
    }

    private static async Task ShowLiveAsync(IAnsiConsole console, Task reading, BuildProgress progress, CancellationToken cancellation)
    {
        await console.Live(new Text("Waiting for the server...")).StartAsync(async live =>
        {
            while (!reading.IsCompleted)
            {
                // Redrawn on every change and at least twice a second, for the elapsed time.
                if (progress.Latest is { } build)
                {
                    live.UpdateTarget(BuildTables.Live(build, progress, DateTimeOffset.UtcNow));
                }

                await Task.WhenAny(reading, Task.Delay(RefreshInterval, cancellation));
            }

            if (progress.Latest is { } last)
            {
                live.UpdateTarget(BuildTables.Live(last, progress, DateTimeOffset.UtcNow));
            }
        });

        await reading;
    }

    private static void Print(IAnsiConsole console, BuildEvent change, View view, Dictionary<string, BuildState> printed)
    {
        if (view == View.Quiet)
        {
            return;
        }

        if (change.EventCase == BuildEvent.EventOneofCase.Log)
        {
            if (view == View.Log)
            {
                console.WriteLine($"{change.Log.Target}  {change.Log.Line}");
            }

            return;
        }

        foreach (var target in change.Build.Targets)
        {
            if (printed.TryGetValue(target.Target, out var before) && before == target.State)
            {
                continue;
            }

            printed[target.Target] = target.State;
            var reason = BuildStates.Reason(target);
            var ended = BuildStates.HasEnded(target.State) && BuildStates.Elapsed(target, DateTimeOffset.UtcNow) is { } took
                ? " after " + BuildStates.Format(took)
                : string.Empty;
            console.WriteLine($"{target.Target}: {BuildStates.Label(target.State)}{ended}{(reason.Length > 0 ? ": " + reason : string.Empty)}");
        }
    }
}
