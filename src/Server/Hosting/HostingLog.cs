namespace PypiForge.Server.Hosting;

/// <summary>Start-up and hosting: event ids 700-799 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(700, LogLevel.Information, "Removed {Count} {What} from {Folder}, left by an earlier run that ended abruptly")]
    public static partial void LeftoversRemoved(ILogger logger, int count, string what, string folder);

    [LoggerMessage(701, LogLevel.Warning, "Could not remove the leftover {Path} ({Problem}); remove it by hand")]
    public static partial void LeftoverNotRemoved(ILogger logger, string path, string problem);

    [LoggerMessage(702, LogLevel.Information, """
        PypiForge {Version} is running (Ctrl+C stops it)
          index:      {IndexUrls}
          uploads:    {UploadUrls}  (twine upload --repository-url URL)
          gRPC:       {GrpcUrls}
          dashboard:  {DashboardUrls}
          packages:   {Root}
          state:      {State}
          builds:     {Builders}
        """)]
    public static partial void Started(ILogger logger, string version, string indexUrls, string uploadUrls, string grpcUrls, string dashboardUrls, string root, string state, string builders);

    [LoggerMessage(703, LogLevel.Debug, "Idle after a busy spell: one full collection, resident memory {Before} MiB -> {After} MiB")]
    public static partial void MemoryReturned(ILogger logger, long before, long after);
}
