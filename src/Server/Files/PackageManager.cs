using PypiForge.Packaging;
using PypiForge.Server.Catalog;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Files;

/// <summary>Changes to what is served, for the PackageService and pypiserver's <c>remove_pkg</c>: delete files or
/// releases, yank and un-yank. Each change is in the index when the call returns.</summary>
public sealed class PackageManager(PackageCatalog catalog, CatalogWriter writer, PackageFolder folder)
{
    /// <summary>The served file of exactly this name (case-sensitive, as on the project page), or null.</summary>
    public CatalogFile? Find(string fileName) =>
        DistributionFilename.TryParse(fileName, out var distribution) && catalog.FindByFileName(distribution) is { } file && file.FileName == fileName
            ? file
            : null;

    /// <summary>The files of a release (version compared as PEP 440 says: 1.0 and 1.0.0 are one release).</summary>
    public IReadOnlyList<CatalogFile> Release(string project, string version)
    {
        if (!catalog.TryGetProject(ProjectName.Normalize(project), out var entry))
        {
            return [];
        }

        var wanted = PackageVersion.TryParse(version, out var parsed) ? parsed : null;
        return [.. entry.Files.Where(f => wanted is not null && PackageVersion.TryParse(f.Version, out var v)
            ? v == wanted
            : string.Equals(f.Version, version, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Deletes the given files from the folder and the index.</summary>
    public Task DeleteAsync(IEnumerable<CatalogFile> files, CancellationToken cancellationToken) =>
        folder.DeleteAsync(files, cancellationToken);

    /// <summary>Sets (reason non-null, may be empty) or clears (null) the yank state of the files, all or none, saved
    /// before this returns. Throws <see cref="StateNotSavedException"/> when the state could not be written.</summary>
    public Task SetYankedAsync(IEnumerable<CatalogFile> files, string? reason, CancellationToken cancellationToken) =>
        writer.SetYankedAsync([.. files.Select(static f => f.RelativePath)], reason, cancellationToken);
}
