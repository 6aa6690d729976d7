namespace PypiForge.Server.Builds;

/// <summary>What an agent beginning a target gets: what to build, where its log goes, the cancellation a person may
/// signal, and (remote agents only) the claim its later calls present.</summary>
internal sealed record TargetStart(
    IReadOnlyList<string> Requirements,
    bool WithDependencies,
    bool Prerelease,
    string LogPath,
    string? Claim,
    CancellationToken Cancelled);
