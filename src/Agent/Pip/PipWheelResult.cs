namespace PypiForge.Agent.Pip;

/// <summary>How a <c>pip wheel</c> run ended.</summary>
/// <param name="ExitCode">pip's exit code; 128 + n when a signal n ended it (137 after a kill), -1 when none was observed.</param>
/// <param name="TimedOut">The run exceeded its timeout and was killed.</param>
/// <param name="LogTail">The last <see cref="BuildLog.TailLines"/> lines of output, each cut at <see cref="BuildLog.TailLineLength"/> characters.</param>
/// <param name="Duration">From start to the end of the output.</param>
public sealed record PipWheelResult(int ExitCode, bool TimedOut, IReadOnlyList<string> LogTail, TimeSpan Duration)
{
    /// <summary>Set when the build broke one of its limits (its scratch space) and was killed for it: what happened, naming the key.</summary>
    public string? LimitExceeded { get; init; }

    /// <summary>The projects pip's output named as not built or not found, in its order (at most <see cref="PipFailures.MaxProjects"/>).</summary>
    public IReadOnlyList<string> FailedProjects { get; init; } = [];

    /// <summary>pip said it failed to build a wheel of some project: a compile error or the like, not the network.</summary>
    public bool BuildFailed { get; init; }

    /// <summary>The first line of pip's output that showed a passing network failure: an index or file host refused or
    /// reset the connection, timed out, or answered 5xx (see <see cref="PipNetworkFailures"/>).</summary>
    public string? NetworkFailure { get; init; }

    /// <summary>What pip's output said went wrong, for the one-line reason (see <see cref="PipDiagnosis"/>).</summary>
    public PipFindings Findings { get; init; } = PipFindings.None;

    public bool Succeeded => ExitCode == 0 && !TimedOut && LimitExceeded is null;

    /// <summary>
    /// The run failed for a passing reason, so running it again may succeed: pip itself exited with an error (not
    /// killed, not stopped by the timeout or a limit), its output shows a passing network failure, and it built every
    /// wheel it tried. "No matching distribution found" is transient only next to such a failure (an unreachable index
    /// lists nothing); next to a reachable index, and after a compile error, it is not.
    /// </summary>
    public bool Transient => !Succeeded && !TimedOut && LimitExceeded is null && ExitCode is > 0 and < 128 && NetworkFailure is not null && !BuildFailed;
}
