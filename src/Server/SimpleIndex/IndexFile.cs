using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>One file as a project page shows it, whether it is served from the package folder or through the upstream.</summary>
/// <param name="Url">Relative to the project page.</param>
/// <param name="MetadataSha256">Digest of the PEP 658 metadata file, or null when none is offered.</param>
/// <param name="Yanked">Null when not yanked; otherwise the reason (empty for none), PEP 592.</param>
/// <param name="Size">Null when unknown (an upstream HTML page does not say).</param>
/// <param name="UploadTime">Null when unknown.</param>
public sealed record IndexFile(
    string FileName,
    string Url,
    string Sha256,
    string? RequiresPython,
    string? MetadataSha256,
    string? Yanked,
    long? Size,
    DateTimeOffset? UploadTime)
{
    public static IndexFile From(CatalogFile file) => new(
        file.FileName,
        IndexUrls.FileFromProjectPage(file.RelativePath),
        file.Sha256,
        file.RequiresPython,
        file.MetadataSha256,
        file.Yanked,
        file.Size,
        file.UploadTime);
}
