using PypiForge.Protos.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PypiForge.Cli.Builds;

/// <summary>The tables builds are shown in: the live one while a build runs, the summary when it ended, the list.</summary>
public static class BuildTables
{
    /// <summary>Per target: state, elapsed time, the current pip step, wheels produced.</summary>
    public static Table Live(Build build, BuildProgress progress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(progress);
        var table = new Table { Title = new TableTitle(Markup.Escape($"build {build.Id}: {string.Join(' ', build.Requirements)} ({BuildStates.Label(build.State)})")) };
        table.AddColumns("Target", "State", "Elapsed", "Step", "Wheels");
        foreach (var target in build.Targets)
        {
            table.AddRow(
                Plain(target.Target),
                new Markup(BuildStates.Markup(target.State)),
                Plain(BuildStates.Format(BuildStates.Elapsed(target, now))),
                Plain(progress.StepOf(target)),
                Plain(target.Wheels.Count == 0 ? string.Empty : target.Wheels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return table;
    }

    /// <summary>Per target: state, duration, wheels, and the one-line reason.</summary>
    public static Table Summary(Build build, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(build);
        var table = new Table { Title = new TableTitle(Markup.Escape($"build {build.Id}: {BuildStates.Label(build.State)}")) };
        table.AddColumns("Target", "State", "Duration", "Wheels", "Reason");
        foreach (var target in build.Targets)
        {
            table.AddRow(
                Plain(target.Target),
                new Markup(BuildStates.Markup(target.State)),
                Plain(BuildStates.Format(BuildStates.Elapsed(target, now))),
                Plain(string.Join('\n', target.Wheels.Select(w => w.Outcome is WheelOutcome.Published or WheelOutcome.AlreadyServed ? w.Filename : $"{w.Filename} ({Outcome(w.Outcome)})"))),
                Plain(BuildStates.Reason(target)));
        }

        return table;
    }

    public static Table List(IEnumerable<Build> builds)
    {
        var table = new Table();
        table.AddColumns("Build", "State", "Requirements", "Targets", "Created");
        foreach (var build in builds)
        {
            var counts = build.Targets.GroupBy(t => t.State).Select(g => $"{g.Count()} {BuildStates.Label(g.Key)}");
            table.AddRow(
                Plain(build.Id),
                new Markup(BuildStates.Markup(build.State)),
                Plain(string.Join(' ', build.Requirements)),
                Plain(string.Join(", ", counts)),
                Plain(build.CreatedAt?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        }

        return table;
    }

    public static string Outcome(WheelOutcome outcome) => outcome switch
    {
        WheelOutcome.Published => "published",
        WheelOutcome.AlreadyServed => "already served",
        WheelOutcome.Conflict => "conflict: a different file of that name is served",
        WheelOutcome.Rejected => "rejected",
        _ => "unknown",
    };

    public static IRenderable Plain(string text) => new Text(text);
}
