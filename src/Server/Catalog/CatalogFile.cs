using PypiForge.Packaging;

namespace PypiForge.Server.Catalog;

/// <summary>One served distribution, as the index needs it. Everything here was computed once, off the request path.</summary>
/// <param name="RelativePath">Path under the root with '/' separators; also the download URL path under <c>/packages/</c>.</param>
/// <param name="Sha256">Lower-case hex digest of the file.</param>
/// <param name="MetadataSha256">Digest of the wheel's METADATA bytes (PEP 658), or null when none is served.</param>
/// <param name="MetadataName">The Name field of the distribution's own metadata, when it has one.</param>
/// <param name="Yanked">Null when not yanked; otherwise the reason (empty for none), PEP 592.</param>
/// <param name="UploadedBy">Who uploaded the file through the upload API; null for files put in the folder otherwise.</param>
public sealed record CatalogFile(
    string RelativePath,
    DistributionFilename Distribution,
    long Size,
    DateTimeOffset LastWriteUtc,
    string Sha256,
    string? MetadataSha256,
    string? MetadataName,
    string? RequiresPython,
    DateTimeOffset UploadTime,
    string? Yanked,
    long MetadataOffset = 0,
    int MetadataLength = 0,
    string? UploadedBy = null)
{
    public string FileName => Distribution.FileName;

    public string ProjectKey => Distribution.NormalizedProject;

    public string Version => Distribution.Version;

    public bool IsYanked => Yanked is not null;
}
