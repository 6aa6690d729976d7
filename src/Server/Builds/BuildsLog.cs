namespace PypiForge.Server.Builds;

/// <summary>Builds: event ids 200-299 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class BuildsLog
{
    [LoggerMessage(200, LogLevel.Information, "Build {BuildId} requested: {Requirements} for {Targets}")]
    public static partial void Requested(ILogger logger, string buildId, string requirements, string targets);

    [LoggerMessage(201, LogLevel.Information, "Build {BuildId} cancelled on request")]
    public static partial void Cancelled(ILogger logger, string buildId);

    [LoggerMessage(202, LogLevel.Information, "Build {BuildId} for {Target} ended: {State}")]
    public static partial void TargetEnded(ILogger logger, string buildId, string target, string state);

    [LoggerMessage(203, LogLevel.Information, "Published {FileName} from build {BuildId}")]
    public static partial void Published(ILogger logger, string fileName, string buildId);

    [LoggerMessage(204, LogLevel.Warning, "Wheel {FileName} from build {BuildId} was not published: {Reason}")]
    public static partial void NotPublished(ILogger logger, string fileName, string buildId, string reason);

    [LoggerMessage(205, LogLevel.Information, "Restored {Count} builds from PostgreSQL ({Unfinished} not finished)")]
    public static partial void Restored(ILogger logger, int count, int unfinished);

    [LoggerMessage(206, LogLevel.Warning, "Agent {Peer} sent a wheel that was refused ({Status}): {Reason}")]
    public static partial void PublishRefused(ILogger logger, string peer, string status, string reason);

    [LoggerMessage(207, LogLevel.Warning, "Build {BuildId} for {Target}: an agent reported it ended {State}, but it is not running; nothing changed")]
    public static partial void CompletionIgnored(ILogger logger, string buildId, string target, string state);

    [LoggerMessage(220, LogLevel.Error, "Build {BuildId} could not be queued and was failed: {Reason}")]
    public static partial void QueueFailed(ILogger logger, Exception exception, string buildId, string reason);

    [LoggerMessage(221, LogLevel.Warning, "Clean-up after a build that could not be queued failed too: {Reason}")]
    public static partial void CleanUpFailed(ILogger logger, string reason);

    [LoggerMessage(230, LogLevel.Information, "Build {BuildId} for {Target} was queued again: its job {JobId} was requeued (Hangfire dashboard or API)")]
    public static partial void Requeued(ILogger logger, string buildId, string target, string jobId);

    [LoggerMessage(231, LogLevel.Information, "Job {JobId} of build {BuildId} for {Target} was requeued, but the target is {State}: nothing to build again (only failed or cancelled targets are; request a new build to rebuild a succeeded one)")]
    public static partial void RequeueLeftAlone(ILogger logger, string jobId, string buildId, string target, string state);

    [LoggerMessage(232, LogLevel.Warning, "The requeue note could not be written to the build log {Path}: {Reason}")]
    public static partial void RequeueNoteNotWritten(ILogger logger, string path, string reason);
}
