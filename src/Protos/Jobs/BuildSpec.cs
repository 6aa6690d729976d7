namespace PypiForge.Protos.Jobs;

/// <summary>What one target of a build must do.</summary>
/// <param name="Requirements">Validated PEP 508 requirement strings.</param>
/// <param name="LogPath">Where the full pip log is written.</param>
/// <param name="Cancelled">Signalled when a person cancels the build (in-process hosts; remote agents rely on Hangfire).</param>
public sealed record BuildSpec(
    IReadOnlyList<string> Requirements,
    bool WithDependencies,
    bool Prerelease,
    string LogPath,
    CancellationToken Cancelled)
{
    /// <summary>A read token for the index that lives as long as this build (null on a public index).</summary>
    public string? IndexToken { get; init; }
}
