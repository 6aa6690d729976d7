namespace PypiForge.Cli.Hosting;

/// <summary>What <c>pypiforge</c> exits with; scripts switch on these (README, "Command line").</summary>
public static class ExitCodes
{
    /// <summary>Done; for a build, every applicable target built (not applicable targets count as fine).</summary>
    public const int Ok = 0;

    /// <summary>The server refused or failed the request (not found, a build failed or was cancelled, ...).</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: the command line, or a value the server refused as invalid (a requirement, an unknown target).</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached, or would not let the caller in (no, wrong or insufficient token).</summary>
    public const int Unreachable = 3;

    /// <summary>Ctrl+C while waiting: the build goes on.</summary>
    public const int Interrupted = 130;
}
