using Hangfire;

namespace PypiForge.Protos.Jobs;

/// <summary>The Hangfire job an agent runs: build one build's requirements for one target. Arguments are an id
/// and two short texts for people; the job reloads everything else, so a re-run after a crash is safe.</summary>
public interface IBuildJob
{
    /// <summary>Runs <c>pip wheel</c> for the build on this target and publishes the wheels. Returns a summary for the
    /// dashboard. A build failure throws (shown with pip's last lines) and is not retried by Hangfire: the job itself runs
    /// pip again after a passing failure (an index unreachable, Agent:TransientRetries), and a lasting one would fail the
    /// same way. A job interrupted by shutdown or a lost worker is picked up again by Hangfire.</summary>
    [JobDisplayName("Build {1} for {2}")]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    Task<string> RunAsync(string buildId, string requirements, string target, CancellationToken cancellationToken);
}
