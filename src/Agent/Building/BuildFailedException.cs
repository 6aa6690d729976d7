namespace PypiForge.Agent.Building;

/// <summary>pip could not build the requirements. Thrown so Hangfire shows the build as failed with pip's last
/// lines; Hangfire does not retry it (AutomaticRetry is off for build jobs): the job already ran pip again after passing
/// failures (Agent:TransientRetries), and a lasting failure would happen the same way.</summary>
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
