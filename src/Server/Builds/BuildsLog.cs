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

    [LoggerMessage(250, LogLevel.Warning, "Build back-ends for {Target}: {Problem}")]
    public static partial void BackendsMissing(ILogger logger, string target, string problem);

    [LoggerMessage(251, LogLevel.Warning, "Could not list the build targets to check their build back-ends ({Problem}); trying again shortly")]
    public static partial void BackendCheckFailed(ILogger logger, string problem);

    [LoggerMessage(230, LogLevel.Warning, "Build {BuildId} for {Target}: {Loss}")]
    public static partial void AgentLost(ILogger logger, string buildId, string target, string loss);

    [LoggerMessage(231, LogLevel.Information, "Build {BuildId} for {Target}: agent {Agent}, taken for lost, beats again")]
    public static partial void AgentBack(ILogger logger, string buildId, string target, string agent);

    [LoggerMessage(232, LogLevel.Debug, "Could not check the agents of running builds (the next heartbeat tries again): {Reason}")]
    public static partial void AgentCheckFailed(ILogger logger, string reason);

    [LoggerMessage(240, LogLevel.Information, "Build {BuildId} for {Target} was queued again: its job {JobId} was requeued (Hangfire dashboard or API)")]
    public static partial void Requeued(ILogger logger, string buildId, string target, string jobId);

    [LoggerMessage(241, LogLevel.Information, "Job {JobId} of build {BuildId} for {Target} was requeued, but the target is {State}: nothing to build again (only failed or cancelled targets are; request a new build to rebuild a succeeded one)")]
    public static partial void RequeueLeftAlone(ILogger logger, string jobId, string buildId, string target, string state);

    [LoggerMessage(242, LogLevel.Warning, "The requeue note could not be written to the build log {Path}: {Reason}")]
    public static partial void RequeueNoteNotWritten(ILogger logger, string path, string reason);

    [LoggerMessage(260, LogLevel.Information, "Build {BuildId} for {Target}: not applicable, not built: {Reason}")]
    public static partial void NotApplicable(ILogger logger, string buildId, string target, string reason);

    [LoggerMessage(261, LogLevel.Information, "Build of {Requirements} refused: no requested target is applicable: {Reasons}")]
    public static partial void NothingApplicable(ILogger logger, string requirements, string reasons);
}
