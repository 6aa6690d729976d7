namespace PypiForge.Server.Builds;

/// <summary>A validated build for <see cref="BuildRecords.Open"/>: its id (used only when no build already serves the
/// same request) and each target with its log file and, for a target whose Python a requirement's Requires-Python
/// excludes, why it is not applicable (null: it is built).</summary>
internal sealed record NewBuild(
    string Id,
    IReadOnlyList<string> Requirements,
    bool WithDependencies,
    bool Prerelease,
    string? IdempotencyKey,
    string DedupeKey,
    IReadOnlyList<(string Name, string LogPath, string? NotApplicable)> Targets);
