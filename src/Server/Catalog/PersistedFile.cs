namespace PypiForge.Server.Catalog;

/// <summary>What the catalog remembers about a file across restarts, keyed by path, valid while size and mtime match.
/// Files that could not be read are remembered too (with <see cref="Error"/>), so they are logged once, not at every start.</summary>
public sealed record PersistedFile(
    string Path,
    long Size,
    long LastWriteTicks,
    string? Sha256,
    string? MetadataSha256,
    string? MetadataName,
    string? RequiresPython,
    DateTimeOffset UploadTime,
    string? Yanked,
    string? Error,
    long? MetadataOffset = null,
    int? MetadataLength = null,
    string? UploadedBy = null)
{
    public bool Matches(long size, DateTimeOffset lastWriteUtc) =>
        Size == size && LastWriteTicks == lastWriteUtc.UtcTicks;
}
