namespace PypiForge.Server.Builds;

/// <summary>What a watcher of a build is told: the build as it now is (<see cref="Build"/>), or one log line.</summary>
public sealed record BuildChange(BuildSnapshot? Build, BuildLogLine? Line)
{
    public static BuildChange Of(BuildSnapshot build) => new(build, null);

    public static BuildChange Of(BuildLogLine line) => new(null, line);
}
