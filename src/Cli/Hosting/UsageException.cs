namespace PypiForge.Cli.Hosting;

/// <summary>A value the command line cannot take, found after parsing (exit code 2, the message on stderr).</summary>
public sealed class UsageException : Exception
{
    public UsageException()
        : base("bad usage")
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
