using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>What the index offers pip for a project, for a build's applicability: the files served here and, when an
/// upstream is configured and asked for the project, the upstream's (as the release cooldown lets them through).</summary>
public sealed class ReleaseCandidates(PackageCatalog catalog, IUpstreamReleases? upstream = null)
{
    /// <summary>The project's name as the index shows it and its files; null when the index does not know the project
    /// (pip then says what it finds).</summary>
    public (string Name, IReadOnlyList<ReleaseFile> Files)? For(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var local = catalog.IsReady && catalog.TryGetProject(key, out var project) ? project : null;
        var remote = upstream?.Known(key, local is not null);
        if (local is null && remote is null)
        {
            return null;
        }

        IReadOnlyList<ReleaseFile> files =
        [
            .. local?.Files.Select(static f => new ReleaseFile(f.Version, f.RequiresPython, f.IsYanked)) ?? [],
            .. remote ?? [],
        ];
        return (local?.DisplayName ?? key, files);
    }

    /// <summary>Asks the upstream (if any) for pages that are not fresh, so <see cref="For"/> sees its current files.</summary>
    public Task RefreshAsync(IEnumerable<string> keys, CancellationToken cancellationToken) =>
        upstream is null ? Task.CompletedTask : Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(key => upstream.RefreshAsync(key, cancellationToken)));
}
