namespace PypiForge.Server.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(700, LogLevel.Information, "Removed {Count} {What} from {Folder}, left by an earlier run that ended abruptly")]
    public static partial void LeftoversRemoved(ILogger logger, int count, string what, string folder);

    [LoggerMessage(701, LogLevel.Warning, "Could not remove the leftover {Path} ({Problem}); remove it by hand")]
    public static partial void LeftoverNotRemoved(ILogger logger, string path, string problem);
}
