using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using CliWrap;
using Microsoft.Extensions.Logging;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Pip;

/// <summary>
/// Runs <c>&lt;interpreter&gt; -m pip wheel ...</c> for one request: in the build sandbox, through
/// CliWrap with an argument array, stdin empty, a scrubbed environment, output to a log file and a
/// capped tail, and the whole process group killed on timeout, cancellation or a broken limit.
/// </summary>
public sealed partial class PipWheelRunner(BuildSandbox sandbox, ILogger<PipWheelRunner> logger, TimeProvider? timeProvider = null)
{
    /// <summary>How long pip and its children get to stop after SIGINT before they are killed.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    // After SIGKILL a process is gone at once; if the output is still open after this, a process
    // escaped the group (its own setsid) and CliWrap's forceful cancellation abandons the pipes.
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    // Task.Delay's limit is about 49 days; a build that long is a mistake anyway.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);

    // Longer lines reach the log in pieces, so a process printing without newlines cannot exhaust memory.
    private const int MaxLineLength = 64 * 1024;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// The arguments after the interpreter. Every option exists in pip 18.1 and 19.2.3 as well
    /// as current pip (<c>--no-input</c> is hidden from their help but accepted).
    /// </summary>
    /// <param name="wheelDirectory">The wheel folder as the process sees it; default: the request's.</param>
    public static IReadOnlyList<string> Arguments(PipWheelRequest request, string? wheelDirectory = null)
    {
        Validate(request);
        var arguments = new List<string>
        {
            "-m", "pip", "wheel",
            "--no-cache-dir", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
        };
        // With a token the index comes from PIP_INDEX_URL: a command line is readable by every user of the machine.
        if (request.IndexToken is null)
            arguments.AddRange(["--index-url", request.IndexUrl.AbsoluteUri]);
        foreach (var extra in request.ExtraIndexUrls)
            arguments.AddRange(["--extra-index-url", extra.AbsoluteUri]);
        if (!request.WithDependencies)
            arguments.Add("--no-deps");
        if (request.Prerelease)
            arguments.Add("--pre");
        // Isolated PEP 517 builds (pip's default since 23.1) fetch setuptools and wheel from the index, so an
        // interpreter without the `wheel` package still builds legacy setup.py sdists.
        if (request.Target.PipSupportsPep517Flag)
            arguments.Add("--use-pep517");
        if (request.Retries is { } retries)
            arguments.AddRange(["--retries", retries.ToString(CultureInfo.InvariantCulture)]);
        if (request.SocketTimeoutSeconds is { } seconds)
            arguments.AddRange(["--timeout", seconds.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(["-w", wheelDirectory ?? request.WheelDirectory, "--"]);
        arguments.AddRange(request.Requirements);
        return arguments;
    }

    /// <summary>
    /// Runs pip and returns how it ended. A timeout is a result (<see cref="PipWheelResult.TimedOut"/>);
    /// cancellation interrupts the process group (SIGINT), kills it after <see cref="GracePeriod"/>,
    /// and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="onLine">Called with each output line as it comes, one at a time; it should be quick.</param>
    public async Task<PipWheelResult> RunAsync(PipWheelRequest request, Action<string>? onLine, CancellationToken cancellationToken)
    {
        Validate(request);
        cancellationToken.ThrowIfCancellationRequested();
        var interpreter = request.Target.Environment.Root is not null
            ? request.Target.Interpreter
            : ExecutableLocator.Find(request.Target.Interpreter)
                ?? throw new InvalidOperationException(
                    $"The interpreter '{request.Target.Interpreter}' of build target {request.Target.Name} is not an executable file " +
                    "any more; reinstall it or discover the agent's targets again.");

        Directory.CreateDirectory(request.WorkingDirectory);
        Directory.CreateDirectory(request.WheelDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(request.LogPath)!);

        using var run = sandbox.Begin(request.WorkingDirectory);
        // No --log file: with one, pip logs at debug level and leaves a failed build's own output out of its console.
        var arguments = Arguments(request, run.Inside(request.WheelDirectory));
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.IndexToken is { } token)
            variables["PIP_INDEX_URL"] = new UriBuilder(request.IndexUrl) { UserName = "__token__", Password = token }.Uri.AbsoluteUri;
        var sandboxed = sandbox.Command(request.Target.Environment, interpreter, arguments, run, variables);

        using var log = new BuildLog(request.LogPath, onLine);
        log.CallbackFailed += ex => LogCallbackFailed(ex, request.Target.Name);
        log.Note($"# {_time.GetUtcNow():O} {request.Target.Name} ({Sandboxing(request.Target)}): {Display(interpreter, request, arguments)}");

        var command = Command(sandboxed, log);
        using var forceful = new CancellationTokenSource();
        var started = _time.GetTimestamp();
        CommandTask<CommandResult> execution;
        try
        {
            execution = SpawnThread.Start(() => command.ExecuteAsync(forceful.Token));
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Could not start '{command.TargetFilePath}' for build target {request.Target.Name}: {ex.Message}", ex);
        }

        var pid = execution.ProcessId;
        LogStarted(request.Target.Name, pid, request.Requirements);
        var scratchLimit = sandbox.Mode == SandboxMode.None ? (long?)null : sandbox.Limits.ScratchMiB * 1024 * 1024;
        var outcome = await SuperviseAsync(execution, pid, request.Timeout, WatchScratchAsync(run.HostScratch, scratchLimit), forceful, cancellationToken);
        var duration = _time.GetElapsedTime(started);

        int exitCode;
        try
        {
            exitCode = (await execution).ExitCode;
        }
        catch (OperationCanceledException) when (forceful.IsCancellationRequested)
        {
            exitCode = -1;
        }

        if (outcome == Outcome.Cancelled)
        {
            log.Note($"# cancelled after {duration.TotalSeconds:F1} s (exit code {exitCode})");
            LogCancelled(request.Target.Name, pid, duration.TotalSeconds);
            throw new OperationCanceledException(
                $"pip wheel for build target {request.Target.Name} was cancelled; its processes were stopped.", cancellationToken);
        }

        var timedOut = outcome == Outcome.TimedOut;
        string? limit = null;
        if (outcome == Outcome.ScratchFull)
        {
            limit = $"The build wrote more than {sandbox.Limits.ScratchMiB} MiB into its scratch folder (Agent:Limits:ScratchMiB) and was stopped.";
            log.Note($"# {limit}");
            LogLimit(request.Target.Name, pid, limit);
        }
        else if (timedOut)
        {
            log.Note($"# timed out after {request.Timeout.TotalSeconds:F0} s: process group killed (exit code {exitCode})");
            LogTimedOut(request.Target.Name, pid, request.Timeout.TotalSeconds);
        }
        else
        {
            log.Note($"# exit code {exitCode} after {duration.TotalSeconds:F1} s");
            LogFinished(request.Target.Name, pid, exitCode, duration.TotalSeconds);
        }

        var failed = exitCode != 0 || timedOut || limit is not null;
        return new PipWheelResult(exitCode, timedOut, log.Tail(), duration)
        {
            LimitExceeded = limit,
            FailedProjects = log.FailedProjects(),
            BuildFailed = log.BuildFailed(),
            NetworkFailure = failed ? log.NetworkFailure() : null,
            Findings = failed ? log.Findings() : PipFindings.None,
        };
    }

    private static Command Command(SandboxCommand sandboxed, BuildLog log)
    {
        var lines = LinePipeTarget.Create(log.Add, MaxLineLength);
        var (target, targetArguments) = ProcessGroup.Setsid is { } setsid
            ? (setsid, (IEnumerable<string>)[sandboxed.FileName, .. sandboxed.Arguments])
            : (sandboxed.FileName, sandboxed.Arguments);
        return Cli.Wrap(target)
            .WithArguments(targetArguments)
            .WithWorkingDirectory(sandboxed.WorkingDirectory)
            .WithEnvironmentVariables(sandboxed.Environment)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(lines)
            .WithStandardErrorPipe(lines)
            .WithValidation(CommandResultValidation.None);
    }

    /// <summary>
    /// Waits for the first of: the command's end, the timeout, cancellation; stops the process
    /// group accordingly. When pip itself exits, whatever it left in its group is killed, so
    /// that a stray background process cannot hold the output open until the timeout.
    /// </summary>
    private async Task<Outcome> SuperviseAsync(
        CommandTask<CommandResult> execution, int pid, TimeSpan timeout, Func<CancellationToken, Task> scratchFull, CancellationTokenSource forceful, CancellationToken cancellationToken)
    {
        using var stop = new CancellationTokenSource();
        var completion = execution.Task;
        var leaderExited = WaitForExitAsync(pid, stop.Token);
        var timedOut = Task.Delay(timeout, _time, stop.Token);
        var full = scratchFull(stop.Token);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cancellation = cancellationToken.Register(() => cancelled.TrySetResult());

        // Once the leader has exited its pid may be reused: from then on only its group is signalled.
        bool Signal(int signal) => ProcessGroup.Signal(pid, signal, includeLeader: !leaderExited.IsCompleted);

        try
        {
            var first = await Task.WhenAny(completion, leaderExited, timedOut, cancelled.Task, full);
            if (first == leaderExited)
            {
                Signal(ProcessGroup.SigKill);
                first = await Task.WhenAny(completion, timedOut, cancelled.Task);
            }

            if (first == completion)
                return Outcome.Completed;

            if (first == full && full.IsCompletedSuccessfully)
            {
                await KillAsync(Signal, pid, completion, forceful);
                return Outcome.ScratchFull;
            }

            if (first == cancelled.Task)
            {
                LogInterrupting(pid);
                Signal(ProcessGroup.SigInt);
                if (!await EndsWithinAsync(completion, GracePeriod))
                    await KillAsync(Signal, pid, completion, forceful);
                return Outcome.Cancelled;
            }

            await KillAsync(Signal, pid, completion, forceful);
            return Outcome.TimedOut;
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private async Task KillAsync(Func<int, bool> signal, int pid, Task completion, CancellationTokenSource forceful)
    {
        LogKilling(pid);
        if (signal(ProcessGroup.SigKill) && await EndsWithinAsync(completion, KillWait))
            return;

        // No group to signal (no setsid here), or something outside it holds the output open:
        // CliWrap's forceful cancellation kills the process tree and stops reading.
        await forceful.CancelAsync();
    }

    private async Task<bool> EndsWithinAsync(Task task, TimeSpan limit)
    {
        using var stop = new CancellationTokenSource();
        var ended = await Task.WhenAny(task, Task.Delay(limit, _time, stop.Token)) == task;
        await stop.CancelAsync();
        return ended;
    }

    // Completes when the folder holds more than the limit; never (until cancelled) without one.
    private Func<CancellationToken, Task> WatchScratchAsync(string folder, long? limit) => async cancellationToken =>
    {
        if (limit is not { } bytes)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new OperationCanceledException(cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(sandbox.Limits.ScratchCheckInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!cancellationToken.IsCancellationRequested && ScratchBytes(folder) > bytes)
                return;
        }

        throw new OperationCanceledException(cancellationToken);
    };

    private static long ScratchBytes(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
                total += file.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Files come and go while a build runs; the next look counts them.
        }

        return total;
    }

    private static async Task WaitForExitAsync(int pid, CancellationToken cancellationToken)
    {
        Process leader;
        try
        {
            leader = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return; // Already gone.
        }

        using (leader)
        {
            try
            {
                await leader.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Supervision ended first; nothing to wait for any more.
            }
        }
    }

    private static void Validate(PipWheelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Target);
        ArgumentNullException.ThrowIfNull(request.Requirements);
        ArgumentNullException.ThrowIfNull(request.IndexUrl);
        ArgumentNullException.ThrowIfNull(request.ExtraIndexUrls);
        if (request.Requirements.Count == 0 || request.Requirements.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("pip wheel needs at least one requirement, and none may be blank.", nameof(request));
        if (!request.IndexUrl.IsAbsoluteUri || request.ExtraIndexUrls.Any(url => url is null || !url.IsAbsoluteUri))
            throw new ArgumentException("Index URLs must be absolute.", nameof(request));
        foreach (var (name, path) in new[]
                 {
                     (nameof(request.WheelDirectory), request.WheelDirectory),
                     (nameof(request.WorkingDirectory), request.WorkingDirectory),
                     (nameof(request.LogPath), request.LogPath),
                 })
        {
            if (string.IsNullOrEmpty(path) || !Path.IsPathFullyQualified(path))
                throw new ArgumentException($"{name} must be an absolute path, not '{path}'.", nameof(request));
        }

        if (request.Timeout <= TimeSpan.Zero || request.Timeout > MaxTimeout)
            throw new ArgumentException($"Timeout must be positive and at most {MaxTimeout.TotalDays} days.", nameof(request));
    }

    private string Sandboxing(BuildTarget target) =>
        sandbox.Mode == SandboxMode.None ? "no sandbox" : $"sandboxed, {target.Environment.Describe()}";

    // For the log: the command as a user would type it, with index credentials hidden.
    private static string Display(string interpreter, PipWheelRequest request, IReadOnlyList<string> arguments) =>
        (request.IndexToken is null ? string.Empty : $"PIP_INDEX_URL={request.IndexUrl.AbsoluteUri} (with a build token) ") +
        string.Join(' ', new[] { interpreter }.Concat(arguments).Select(argument =>
            Uri.TryCreate(argument, UriKind.Absolute, out var url) && url.UserInfo.Length > 0
                ? argument.Replace(url.UserInfo + "@", "****@", StringComparison.Ordinal)
                : argument));

    private enum Outcome
    {
        Completed,
        TimedOut,
        Cancelled,
        ScratchFull,
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "pip wheel for {Target} started as process {ProcessId}: {Requirements}")]
    private partial void LogStarted(string target, int processId, IReadOnlyList<string> requirements);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "pip wheel for {Target} (process {ProcessId}) exited with code {ExitCode} after {Seconds:F1} s")]
    private partial void LogFinished(string target, int processId, int exitCode, double seconds);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "pip wheel for {Target} (process {ProcessId}) timed out after {Seconds:F0} s; its process group was killed")]
    private partial void LogTimedOut(string target, int processId, double seconds);

    [LoggerMessage(EventId = 803, Level = LogLevel.Warning, Message = "pip wheel for {Target} (process {ProcessId}) was stopped: {Limit}")]
    private partial void LogLimit(string target, int processId, string limit);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "pip wheel for {Target} (process {ProcessId}) was cancelled after {Seconds:F1} s")]
    private partial void LogCancelled(string target, int processId, double seconds);

    [LoggerMessage(EventId = 805, Level = LogLevel.Debug, Message = "Interrupting process group {ProcessId} (SIGINT)")]
    private partial void LogInterrupting(int processId);

    [LoggerMessage(EventId = 806, Level = LogLevel.Debug, Message = "Killing process group {ProcessId} (SIGKILL)")]
    private partial void LogKilling(int processId);

    [LoggerMessage(EventId = 807, Level = LogLevel.Warning, Message = "The output callback for {Target} threw; it gets no more lines")]
    private partial void LogCallbackFailed(Exception exception, string target);
}
