using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Targets;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Building;

/// <summary>The Hangfire job: runs <c>pip wheel</c> for one build on one target in a fresh working directory,
/// then hands every produced wheel to the host for publishing, whether pip succeeded or not.</summary>
public sealed class BuildJob(
    IBuildHost host,
    TargetRegistry targets,
    PipWheelRunner runner,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<BuildJob> logger) : IBuildJob
{
    /// <summary>The longest wait between two runs of pip after a passing failure.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(10);

    public async Task<string> RunAsync(string buildId, string requirements, string target, CancellationToken cancellationToken)
    {
        var buildTarget = targets.Find(target);
        if (buildTarget is null)
        {
            // Queues route jobs to agents of their target, so this means a misconfigured agent: end the target, don't strand it.
            var error = $"The agent that took this job does not serve target '{target}'; it serves: {string.Join(", ", targets.All.Select(static t => t.Name))}.";
            if (await host.BeginAsync(buildId, target, cancellationToken) is not null)
            {
                await host.CompleteAsync(buildId, target, new TargetOutcome(TargetState.Failed, error, [], [], TimeSpan.Zero, error, FailureKind.Other), CancellationToken.None);
            }

            throw new InvalidOperationException(error);
        }

        var spec = await host.BeginAsync(buildId, target, cancellationToken);
        if (spec is null)
        {
            return $"Nothing to do: build {buildId} already ended for {target}.";
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, spec.Cancelled);
        var started = Stopwatch.GetTimestamp();
        // The agent's own folder (0700) holds the scratch folder, the only one the sandboxed build can write; wheels come out of it.
        // Locked while the build runs: a killed agent's folder is told from a live one and removed at the next start.
        using var folder = BuildFolder.Create(options.Value.WorkDirectory ?? Path.GetTempPath(), buildId, target);
        var work = folder.Directory;
        try
        {
            if (!OperatingSystem.IsWindows())
                work.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            AgentLog.Starting(logger, buildId, target, requirements);
            var (result, wheelDirectory, runs) = await RunPipAsync(buildId, target, buildTarget, spec, work, linked.Token);

            // Like `pip wheel -w`, a failed build keeps what it made: pip copies each wheel into the folder only once it
            // is built, so a failed (or timed-out) run's wheels are complete ones; one cut short by a kill is not a valid
            // zip, and the publisher rejects it. A cancelled run threw above and publishes nothing.
            var wheels = new List<PublishedWheel>();
            foreach (var wheel in BuiltWheels.In(wheelDirectory))
            {
                wheels.Add(await host.PublishAsync(buildId, buildTarget.Tags, wheel, CancellationToken.None));
            }

            var duration = Stopwatch.GetElapsedTime(started);
            var (state, error, reason, kind) = TargetVerdict.Of(result, wheels, options.Value.BuildTimeout, runs, buildTarget);
            if (reason is not null)
            {
                await NoteAsync(buildId, target, spec.LogPath, $"# {state.ToString().ToLowerInvariant()} ({kind}): {reason}");
            }

            await host.CompleteAsync(buildId, target, new TargetOutcome(state, error, result.LogTail, wheels, duration, reason, kind), CancellationToken.None);
            if (state == TargetState.Failed)
            {
                // The dashboard shows the exception's message: the one-line reason first, then the longer error and pip's last lines.
                throw new BuildFailedException($"{reason}\n{error}\n{Summary(wheels, duration)}\nLast lines of pip's output:\n{string.Join('\n', result.LogTail.TakeLast(30))}");
            }

            return Summary(wheels, duration);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not BuildFailedException)
        {
            // Anything unexpected still ends the target, so nobody waits on a build that will never finish;
            // rethrown so Hangfire shows the exception too.
            await host.CompleteAsync(buildId, target, new TargetOutcome(
                TargetState.Failed, $"The agent failed: {ex.Message}", [], [], Stopwatch.GetElapsedTime(started), $"the agent failed: {ex.Message}", FailureKind.Other), CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException)
        {
            // A person cancelled the build: record it and end the job normally (nothing to retry). A remote agent may
            // hear of it first from Hangfire (the job was deleted), so the host is asked before treating it as shutdown.
            if (!spec.Cancelled.IsCancellationRequested && !await host.CancelRequestedAsync(buildId, target))
            {
                throw;
            }

            await host.CompleteAsync(buildId, target, new TargetOutcome(
                TargetState.Cancelled, "Cancelled on request.", [], [], Stopwatch.GetElapsedTime(started), "cancelled on request", FailureKind.Cancelled), CancellationToken.None);
            return $"Cancelled on request after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.";
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>
    /// Runs pip, and runs it again after a passing failure (an index unreachable or failing: a server restarting),
    /// up to Agent:TransientRetries more times with a doubling wait from Agent:TransientRetryDelay; a lasting failure
    /// (a compile error, a distribution a reachable index lacks) ends at once. The retry lives here rather than in
    /// Hangfire: the target stays Running under one claim, the log says what is awaited, and the job keeps
    /// AutomaticRetry off, so a re-run never follows a completed target. Each run gets a fresh scratch folder.
    /// </summary>
    private async Task<(PipWheelResult Result, string WheelDirectory, int Runs)> RunPipAsync(
        string buildId, string target, BuildTarget buildTarget, BuildSpec spec, DirectoryInfo work, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var runs = settings.TransientRetries + 1;
        for (var run = 1; ; run++)
        {
            var scratch = Path.Combine(work.FullName, run == 1 ? "scratch" : $"scratch-{run}");
            var wheelDirectory = Path.Combine(scratch, "wheels");
            var request = new PipWheelRequest(
                buildTarget,
                spec.Requirements,
                host.IndexUrl,
                [.. settings.ExtraIndexUrls.Select(static u => new Uri(u))],
                spec.WithDependencies,
                spec.Prerelease,
                wheelDirectory,
                scratch,
                spec.LogPath,
                settings.BuildTimeout) { IndexToken = spec.IndexToken };
            var result = await runner.RunAsync(request, line => host.Log(buildId, target, line), cancellationToken);
            if (!result.Transient || run == runs)
            {
                return (result, wheelDirectory, run);
            }

            // What a failed run built is dropped with its folder: the next run builds it again, against an index that answers.
            TryDelete(new DirectoryInfo(scratch));
            var delay = RetryDelay(settings.TransientRetryDelay, run);
            var line = $"# An index could not be reached or failed ({result.NetworkFailure}); retrying in {delay.TotalSeconds:0} s (attempt {run + 1} of {runs}).";
            await File.AppendAllTextAsync(spec.LogPath, line + "\n", CancellationToken.None);
            host.Log(buildId, target, line);
            AgentLog.RetryingTransient(logger, buildId, target, result.NetworkFailure!, delay.TotalSeconds, run + 1, runs);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>A line of the agent's own at the end of the target's log: in the log file, and to the host (watchers; a
    /// remote agent's server appends it to its copy of the file).</summary>
    private async Task NoteAsync(string buildId, string target, string logPath, string line)
    {
        try
        {
            await File.AppendAllTextAsync(logPath, line + "\n", CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.CleanupFailed(logger, logPath, ex.Message);
        }

        host.Log(buildId, target, line);
    }

    /// <summary>The wait before run <paramref name="run"/> + 1: the first delay, doubled after each run, at most <see cref="MaxRetryDelay"/>.</summary>
    internal static TimeSpan RetryDelay(TimeSpan first, int run) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, first.Ticks * (1L << Math.Min(run - 1, 20))));

    private static string Summary(List<PublishedWheel> wheels, TimeSpan duration)
    {
        var lines = wheels.Select(static w => $"{w.Outcome}: {w.FileName} ({w.Size:N0} bytes){(w.Detail is null ? string.Empty : " — " + w.Detail)}");
        return $"{wheels.Count(static w => w.Outcome == WheelPublishOutcome.Published)} published, "
            + $"{wheels.Count(static w => w.Outcome == WheelPublishOutcome.AlreadyServed)} already served, "
            + $"{wheels.Count(static w => w.Outcome is WheelPublishOutcome.Conflict or WheelPublishOutcome.Rejected)} refused, in {duration.TotalSeconds:0.0} s\n"
            + string.Join('\n', lines);
    }

    private void TryDelete(DirectoryInfo work)
    {
        try
        {
            work.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.CleanupFailed(logger, work.FullName, ex.Message);
        }
    }
}
