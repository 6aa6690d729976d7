namespace PypiForge.Protos.Jobs;

/// <summary>What a build job needs from the server. The server implements it in-process for its embedded agent;
/// a remote agent implements it over gRPC. The server stays the only writer of the package folder.</summary>
public interface IBuildHost
{
    /// <summary>The index pip reads from (this server's own /simple/), so wheels it already serves are reused.</summary>
    Uri IndexUrl { get; }

    /// <summary>Marks the target as running and returns what to build, or null when there is nothing to do
    /// (the build finished or was cancelled already: a re-run of the job exits early).</summary>
    Task<BuildSpec?> BeginAsync(string buildId, string target, CancellationToken cancellationToken);

    /// <summary>One line of pip's output, for watchers and the build log.</summary>
    void Log(string buildId, string target, string line);

    /// <summary>Checks a produced wheel and publishes it into the served folder (or explains why not).</summary>
    Task<PublishedWheel> PublishAsync(string buildId, TargetTags target, string wheelPath, CancellationToken cancellationToken);

    /// <summary>Whether a person cancelled the build (asked when a job was stopped, to tell cancellation from shutdown).</summary>
    Task<bool> CancelRequestedAsync(string buildId, string target);

    /// <summary>Records how the target ended.</summary>
    Task CompleteAsync(string buildId, string target, TargetOutcome outcome, CancellationToken cancellationToken);
}
