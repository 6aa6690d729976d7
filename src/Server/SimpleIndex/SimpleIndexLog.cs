namespace PypiForge.Server.SimpleIndex;

/// <summary>The simple index: event ids 1100-1199 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class SimpleIndexLog
{
    [LoggerMessage(1101, LogLevel.Warning, "{SetBy} set the PEP 792 status of {Project} to {Status} ({Reason})")]
    public static partial void StatusSet(ILogger logger, string setBy, string project, string status, string reason);

    [LoggerMessage(1102, LogLevel.Error, "The project statuses in {Path} could not be read ({Problem}); no local project has a status until the file is repaired or removed, and none can be set")]
    public static partial void StatusesUnreadable(ILogger logger, string path, string problem);
}
