namespace PypiForge.Server.Uploads;

/// <summary>Uploads: event ids 500-599 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class UploadLog
{
    [LoggerMessage(501, LogLevel.Information, "Upload of {File} by '{User}': {Outcome} ({Bytes} bytes)")]
    public static partial void Accepted(ILogger logger, string file, string user, string outcome, long bytes);

    [LoggerMessage(502, LogLevel.Information, "Upload refused ({Status} {Reason}) for '{User}': {Detail}")]
    public static partial void Refused(ILogger logger, int status, string reason, string user, string detail);

    [LoggerMessage(503, LogLevel.Information, "remove_pkg by '{User}': deleted {Count} files of {Project} {Version}")]
    public static partial void Removed(ILogger logger, string user, int count, string project, string version);

    [LoggerMessage(504, LogLevel.Warning, "The uploaded sdist {File} could not be queued for building: {Problem}")]
    public static partial void BuildNotQueued(ILogger logger, string file, string problem);

    [LoggerMessage(505, LogLevel.Information, "Upload of {File} by '{User}' ended early: the client went away; nothing was kept")]
    public static partial void Aborted(ILogger logger, string file, string user);

    [LoggerMessage(506, LogLevel.Error, "Upload by '{User}' refused: no space left on the disk of {Folder}; nothing was kept. Free space there")]
    public static partial void DiskFull(ILogger logger, string user, string folder);
}
