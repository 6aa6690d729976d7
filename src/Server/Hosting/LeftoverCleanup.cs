using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;
using PypiForge.Server.Publishing;
using PypiForge.Server.Uploads;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Hosting;

/// <summary>At start, before anything is served or written, removes what a server killed mid-write left behind:
/// upload temp files and wheels being published (in the package root), remote agents' wheel spools (in the state
/// folder) and partial upstream downloads. Build folders are the agent's own (<c>BuildFolder</c>).</summary>
public sealed partial class LeftoverCleanup(IOptions<CatalogOptions> catalog, UpstreamPaths upstream, ILogger<LeftoverCleanup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var root = catalog.Value.RootPath;
        var inRoot = Leftovers.RemoveFiles(root, [UploadForm.TempFileName(), PackageFolder.TempFileName()], depth: 0, logger);
        Report("upload temp files", root, inRoot[0]);
        Report("wheels being published", root, inRoot[1]);
        var spools = Path.Combine(catalog.Value.StatePath, StateFolder.AgentSpools);
        Report("remote-agent wheel spools", spools, Leftovers.RemoveFolders(spools, SpoolName(), logger));
        UpstreamLeftovers.Remove(upstream, logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report(string what, string folder, int count)
    {
        if (count > 0)
        {
            HostingLog.LeftoversRemoved(logger, count, what, folder);
        }
    }

    [GeneratedRegex("\\A[0-9a-f]{32}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SpoolName();
}
