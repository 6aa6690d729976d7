namespace PypiForge.Server.Catalog;

/// <summary>Where the served distributions live and how the catalog keeps up with the folder.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>The package folder (the source of truth). Relative paths resolve against the working directory.</summary>
    public string Root { get; set; } = "packages";

    /// <summary>Where hashes, metadata files and yank state are persisted. Default: <c>&lt;Root&gt;/.pypiforge</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>How often the whole folder is re-walked, because file-system watchers drop events.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a path must stay quiet before it is read, so half-copied files are not inspected.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The largest METADATA / PKG-INFO read out of an archive; larger ones mark the file invalid.</summary>
    public long MaxMetadataBytes { get; set; } = 1024 * 1024;

    public const int DefaultPageCacheMiB = 32;

    /// <summary>How much memory rendered index pages (with their gzip and Brotli copies) may keep; past it the pages
    /// least recently asked for are dropped and rendered again on demand. 0 keeps none.</summary>
    public int PageCacheMiB { get; set; } = DefaultPageCacheMiB;

    public string RootPath => Path.GetFullPath(Root);

    public string StatePath => Path.GetFullPath(StateDirectory ?? Path.Combine(RootPath, ".pypiforge"));
}
