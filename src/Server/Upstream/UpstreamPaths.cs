using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Upstream;

/// <summary>The configured upstreams and the cache folder, resolved once.</summary>
public sealed class UpstreamPaths
{
    public UpstreamPaths(IOptions<UpstreamOptions> options, IOptions<CatalogOptions> catalog)
    {
        var value = options.Value;
        Mode = value.Mode;
        Indexes = [.. value.UrlList.Select(static url => UpstreamIndex.TryCreate(url, out var index) is null ? index! : null).OfType<UpstreamIndex>()];
        AllowMerge = value.AllowMergeList.Select(Packaging.ProjectName.Normalize).ToHashSet(StringComparer.Ordinal);
        CacheDirectory = Path.GetFullPath(value.CacheDirectory ?? StateFolder.PathOf(catalog.Value, StateFolder.Upstream));
        PagesDirectory = Path.Combine(CacheDirectory, "pages");
        FilesDirectory = Path.Combine(CacheDirectory, "files");
    }

    public FallbackMode Mode { get; }

    public IReadOnlyList<UpstreamIndex> Indexes { get; }

    public IReadOnlySet<string> AllowMerge { get; }

    public string CacheDirectory { get; }

    public string PagesDirectory { get; }

    public string FilesDirectory { get; }

    /// <summary>Cached files are named by their sha256, so a path is never built from a name a client sent.</summary>
    public string FilePath(string sha256) => Path.Combine(FilesDirectory, sha256[..2], sha256);

    public string PagePath(string normalizedName) => Path.Combine(PagesDirectory, normalizedName + ".json");
}
