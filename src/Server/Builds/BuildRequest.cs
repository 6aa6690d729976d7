namespace PypiForge.Server.Builds;

/// <summary>What a caller asks to build: PEP 508 requirements for some targets (none: every live target). Uploads,
/// Upstream and the gRPC adapter pass this; nothing inside the server sees the wire message.</summary>
/// <param name="IdempotencyKey">The same key returns the same build however often it is sent (null: none).</param>
public sealed record BuildRequest(
    IReadOnlyList<string> Requirements,
    IReadOnlyList<string> Targets,
    bool WithDependencies = true,
    bool Prerelease = false,
    string? IdempotencyKey = null);
