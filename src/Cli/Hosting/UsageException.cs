namespace PypiForge.Cli.Hosting;

/// <summary>A value the command line cannot take, found after parsing (exit code 2, the message on stderr).</summary>
public sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("bad usage")
    {
    }

    public UsageException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}
