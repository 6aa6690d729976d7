namespace PypiForge.Server.Builds;

/// <summary>One line of a target's build output, as watchers see it.</summary>
public sealed record BuildLogLine(string Target, string Line, DateTimeOffset Time);
