namespace PypiForge.Server.Upstream;

/// <summary>What happens to projects this server does not hold (or holds only as wheels it built): nothing,
/// a redirect to another index, or a caching proxy that merges that index's files into the pages.</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary><c>none</c>, <c>redirect</c> or <c>proxy</c>.</summary>
    public string Fallback { get; set; } = "proxy";

    /// <summary>One or more simple-API base URLs, separated by spaces or commas, consulted in order. Credentials go in
    /// the URL (<c>https://user:password@host/simple/</c>), as pip takes them.</summary>
    public string Url { get; set; } = "https://pypi.org/simple/";

    /// <summary>How long an upstream project page is used without asking the upstream again (then revalidated with its ETag).</summary>
    public TimeSpan PageTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a request waits for the upstream (a page, or the headers of a file) before answering from what is here.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one upstream file download may take.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where upstream pages and files are cached. Default: <c>&lt;Catalog:StateDirectory&gt;/upstream</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Projects uploaded here that are nevertheless merged with the upstream project of the same name
    /// (space- or comma-separated). Every other project with a file not built here stays private.</summary>
    public string AllowMerge { get; set; } = string.Empty;

    /// <summary>Hosts, besides each upstream's own scheme, host and port, that upstream pages may send file downloads to
    /// (space- or comma-separated): host names, <c>host:port</c>, addresses or address ranges (<c>10.0.0.0/8</c>). The
    /// default is PyPI's file host. A loopback, private or link-local address is reached only when an address or range
    /// here covers it (or it is the configured upstream's own host).</summary>
    public string FileHosts { get; set; } = "files.pythonhosted.org";

    /// <summary>Build targets (e.g. <c>cp311-cp311-linux_x86_64</c>, space- or comma-separated) for which a proxied
    /// project's newest release is built here when the upstream has its sdist but no wheel that target can install.</summary>
    public string BuildTargets { get; set; } = string.Empty;

    /// <summary>Upstream files younger than this (by their PEP 700 <c>upload-time</c>) are not offered or served: most
    /// malicious uploads are found and removed within days. Zero (the default) turns the cooldown off. Files uploaded or
    /// built here are never held.</summary>
    public TimeSpan MinReleaseAge { get; set; } = TimeSpan.Zero;

    /// <summary>What the cooldown does with an upstream file whose page gives no <c>upload-time</c> (every PEP 503 HTML
    /// page) while <see cref="MinReleaseAge"/> is set: <c>allow</c> (the default) or <c>hold</c>.</summary>
    public string MissingUploadTime { get; set; } = "allow";

    /// <summary>Break-glass: <c>project</c> or <c>project==version</c> entries (space- or comma-separated) let through
    /// the cooldown now, e.g. for a security fix that cannot wait. Every release let through by an entry is logged.</summary>
    public string AllowFresh { get; set; } = string.Empty;

    internal static readonly char[] Separators = [' ', ',', '\t', '\n', '\r'];

    internal FallbackMode Mode => Fallback.Trim().ToLowerInvariant() switch
    {
        "none" => FallbackMode.None,
        "redirect" => FallbackMode.Redirect,
        _ => FallbackMode.Proxy,
    };

    internal string[] UrlList => Url.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    internal string[] BuildTargetList => BuildTargets.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    internal string[] FileHostList => (FileHosts ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    internal string[] AllowFreshList => (AllowFresh ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    internal bool HoldMissingUploadTime => string.Equals(MissingUploadTime?.Trim(), "hold", StringComparison.OrdinalIgnoreCase);

    internal string[] AllowMergeList => AllowMerge.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
}
