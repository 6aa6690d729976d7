using PypiForge.Protos.V1;
using PypiForge.Cli.Hosting;

namespace PypiForge.Cli.Builds;

/// <summary>How build and target states read for a person, and what a finished build means as an exit code.</summary>
public static class BuildStates
{
    /// <summary>The <c>--state</c> values of <c>pypiforge builds</c>.</summary>
    public static readonly IReadOnlyDictionary<string, BuildState> ByName = new Dictionary<string, BuildState>(StringComparer.OrdinalIgnoreCase)
    {
        ["queued"] = BuildState.Queued,
        ["running"] = BuildState.Running,
        ["succeeded"] = BuildState.Succeeded,
        ["failed"] = BuildState.Failed,
        ["cancelled"] = BuildState.Cancelled,
    };

    public static string Label(BuildState state) => state switch
    {
        BuildState.Queued => "queued",
        BuildState.Running => "running",
        BuildState.Succeeded => "succeeded",
        BuildState.Failed => "failed",
        BuildState.Cancelled => "cancelled",
        BuildState.NotApplicable => "not applicable",
        _ => "unknown",
    };

    /// <summary>The label in the colour of the state (Spectre markup).</summary>
    public static string Markup(BuildState state) => state switch
    {
        BuildState.Succeeded => "[green]succeeded[/]",
        BuildState.Failed => "[red]failed[/]",
        BuildState.Cancelled => "[red]cancelled[/]",
        BuildState.Running => "[yellow]running[/]",
        BuildState.NotApplicable => "[grey]not applicable[/]",
        _ => "[grey]" + Label(state) + "[/]",
    };

    public static bool HasEnded(BuildState state) => state is BuildState.Succeeded or BuildState.Failed or BuildState.Cancelled;

    /// <summary>0 when every applicable target built (not applicable ones count as fine), 1 when one failed or was cancelled.</summary>
    public static int ExitCode(Build build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var applicable = build.Targets.Where(t => t.State != BuildState.NotApplicable).ToList();
        return build.State != BuildState.Failed && build.State != BuildState.Cancelled && applicable.All(t => t.State == BuildState.Succeeded)
            ? ExitCodes.Ok
            : ExitCodes.Failed;
    }

    /// <summary>How long the target ran, or has been running (empty while queued).</summary>
    public static TimeSpan? Elapsed(TargetBuild target, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Duration is { } duration && (duration.Seconds != 0 || duration.Nanos != 0))
        {
            return duration.ToTimeSpan();
        }

        if (target.StartedAt is null)
        {
            return null;
        }

        var end = target.FinishedAt is { } finished ? finished.ToDateTimeOffset() : now;
        var elapsed = end - target.StartedAt.ToDateTimeOffset();
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    public static string Format(TimeSpan? elapsed) => elapsed switch
    {
        null => string.Empty,
        { TotalHours: >= 1 } e => $"{(int)e.TotalHours}h{e.Minutes:00}m{e.Seconds:00}s",
        { TotalMinutes: >= 1 } e => $"{e.Minutes}m{e.Seconds:00}s",
        { } e => $"{e.TotalSeconds:0.0}s",
    };

    /// <summary>The one line a person reads first: the reason, else the first line of the error, else the lost agent.</summary>
    public static string Reason(TargetBuild target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Reason.Length > 0)
        {
            return target.Reason;
        }

        if (target.Error.Length > 0)
        {
            return target.Error.Split('\n', 2)[0].Trim();
        }

        return target.AgentLost?.Summary ?? string.Empty;
    }
}
