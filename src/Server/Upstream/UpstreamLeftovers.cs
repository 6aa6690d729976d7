using System.Text.RegularExpressions;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Upstream;

/// <summary>Partial downloads (<c>&lt;sha256&gt;.&lt;32 hex&gt;.part</c> next to the cache entry) and page files being
/// written (<c>&lt;name&gt;.json.&lt;32 hex&gt;.tmp</c>) that a killed server left in the upstream cache. Run at start,
/// before any download begins.</summary>
public static partial class UpstreamLeftovers
{
    public static void Remove(UpstreamPaths paths, ILogger logger)
    {
        var files = Leftovers.RemoveFiles(paths.FilesDirectory, PartialDownload(), depth: 1, logger);
        if (files > 0)
        {
            HostingLog.LeftoversRemoved(logger, files, "partial upstream downloads", paths.FilesDirectory);
        }

        var pages = Leftovers.RemoveFiles(paths.PagesDirectory, PartialPage(), depth: 0, logger);
        if (pages > 0)
        {
            HostingLog.LeftoversRemoved(logger, pages, "partial upstream page files", paths.PagesDirectory);
        }
    }

    [GeneratedRegex("\\A[0-9a-f]{64}\\.[0-9a-f]{32}\\.part\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PartialDownload();

    [GeneratedRegex("\\A.+\\.json\\.[0-9a-f]{32}\\.tmp\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PartialPage();
}
