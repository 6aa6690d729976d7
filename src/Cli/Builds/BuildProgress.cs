using PypiForge.Protos.V1;

namespace PypiForge.Cli.Builds;

/// <summary>What is known of a watched build: its latest message and each target's current pip step. The stream reader
/// writes, the display reads; one lock.</summary>
public sealed class BuildProgress
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> steps = new(StringComparer.Ordinal);
    private Build? latest;

    public Build? Latest
    {
        get
        {
            lock (gate)
            {
                return latest;
            }
        }
    }

    /// <summary>Takes one event in; returns the build when it was a build change (null for a log line).</summary>
    public Build? Apply(BuildEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            if (change.EventCase == BuildEvent.EventOneofCase.Build)
            {
                latest = change.Build;
                return latest;
            }

            if (change.Log is { } log && PipStep.From(log.Line) is { } step)
            {
                steps[log.Target] = step;
            }

            return null;
        }
    }

    public void Replace(Build build)
    {
        lock (gate)
        {
            latest = build;
        }
    }

    /// <summary>The last step pip began for the target; an ended target keeps its last one ("Successfully built …",
    /// "ERROR: …") in the live table's final frame.</summary>
    public string StepOf(TargetBuild target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (gate)
        {
            return steps.TryGetValue(target.Target, out var step) ? step : string.Empty;
        }
    }
}
