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

    public bool Succeeded => ExitCode == 0 && !TimedOut && LimitExceeded is null;
}
