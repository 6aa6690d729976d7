namespace PypiForge.Agent.Building;

/// <summary>pip could not build the requirements. Thrown so Hangfire shows the build as failed with pip's last
/// lines; the job is not retried (AutomaticRetry is off for build jobs), since pip would fail the same way.</summary>
public sealed class BuildFailedException : Exception
{
    public BuildFailedException(string message)
        : base(message)
    {
    }

    public BuildFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BuildFailedException()
    {
    }
}
