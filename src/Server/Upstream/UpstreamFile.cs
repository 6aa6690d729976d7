namespace PypiForge.Server.Upstream;

/// <summary>One file as the upstream's page lists it. Only files with a sha256 are kept: the hash is what makes
/// the cached copy trustworthy.</summary>
/// <param name="Url">Absolute URL at the upstream.</param>
/// <param name="MetadataSha256">Digest of its PEP 658 metadata file, when the upstream offers one with a hash.</param>
/// <param name="Yanked">Null when not yanked; otherwise the reason (empty for none).</param>
public sealed record UpstreamFile(
    string FileName,
    string Version,
    Uri Url,
    string Sha256,
    string? RequiresPython,
    string? MetadataSha256,
    string? Yanked,
    long? Size,
    DateTimeOffset? UploadTime);
