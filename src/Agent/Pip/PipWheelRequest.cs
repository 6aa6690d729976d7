using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Pip;

/// <summary>One <c>pip wheel</c> run on one target.</summary>
/// <param name="Target">The interpreter that runs pip.</param>
/// <param name="Requirements">Validated PEP 508 requirements, passed after <c>--</c> one argument each.</param>
/// <param name="IndexUrl">The index pip resolves against (<c>--index-url</c>).</param>
/// <param name="ExtraIndexUrls">Further indexes (<c>--extra-index-url</c> each).</param>
/// <param name="WithDependencies">False adds <c>--no-deps</c>.</param>
/// <param name="Prerelease">True adds <c>--pre</c>.</param>
/// <param name="WheelDirectory">Absolute path where pip saves the wheels (<c>-w</c>); created if missing. In a sandbox it must be under <paramref name="WorkingDirectory"/>.</param>
/// <param name="WorkingDirectory">A fresh absolute directory: the process's working directory and HOME, the build's scratch folder (the only place it can write).</param>
/// <param name="LogPath">Absolute path of the log file; the combined output is appended line by line.</param>
/// <param name="Timeout">After this the whole process group is killed and the result says so.</param>
public sealed record PipWheelRequest(
    BuildTarget Target,
    IReadOnlyList<string> Requirements,
    Uri IndexUrl,
    IReadOnlyList<Uri> ExtraIndexUrls,
    bool WithDependencies,
    bool Prerelease,
    string WheelDirectory,
    string WorkingDirectory,
    string LogPath,
    TimeSpan Timeout)
{
    /// <summary>pip's <c>--retries</c> for each connection; null keeps pip's default (5).</summary>
    public int? Retries { get; init; }

    /// <summary>
    /// A read token for <see cref="IndexUrl"/>, scoped to this build: pip gets it in PIP_INDEX_URL (readable only by the build's
    /// own user), never on its command line, which every user of the machine can read.
    /// </summary>
    public string? IndexToken { get; init; }

    /// <summary>pip's <c>--timeout</c> in seconds for each socket operation; null keeps pip's default (15).</summary>
    public int? SocketTimeoutSeconds { get; init; }
}
