namespace PypiForge.Tests.Support;

/// <summary>What a finished client process left behind; a non-zero exit code is a result, not an error.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Both streams, stdout first: assertion messages need everything the client said.</summary>
    public string Combined =>
        StdOut.Length == 0 ? StdErr
        : StdErr.Length == 0 ? StdOut
        : StdOut.EndsWith('\n') ? StdOut + StdErr
        : StdOut + "\n" + StdErr;

    public override string ToString() => $"exit code {ExitCode}\n{Combined}";
}
