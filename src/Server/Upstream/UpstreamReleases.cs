using Microsoft.Extensions.Options;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Upstream;

/// <summary>The upstream's files for a build's applicability, as pip sees them through this server: in proxy mode the
/// cooldown-filtered view merged into a page (when the merge policy merges the local project), in redirect mode only for
/// a project not served here (pip is sent upstream for it).</summary>
public sealed class UpstreamReleases(IOptions<UpstreamOptions> options, UpstreamPages pages, ReleaseCooldown cooldown, MergePolicy policy, Catalog.PackageCatalog catalog)
    : IUpstreamReleases
{
    private readonly FallbackMode mode = options.Value.Mode;

    public IReadOnlyList<ReleaseFile>? Known(string key, bool servedHere)
    {
        if (!Asked(key, servedHere) || pages.Known(key) is not { Found: true } project)
        {
            return null;
        }

        return [.. cooldown.ViewOf(key, project.Listing).Files.Select(static f => new ReleaseFile(f.Version, f.RequiresPython, f.Yanked is not null))];
    }

    public async Task RefreshAsync(string key, CancellationToken cancellationToken)
    {
        if (Asked(key, catalog.TryGetProject(key, out _)))
        {
            // A failing upstream answers with what it last said (or nothing): the build then goes by what is known.
            _ = await pages.GetAsync(key, anyAge: false, cancellationToken);
        }
    }

    private bool Asked(string key, bool servedHere) => mode switch
    {
        FallbackMode.Proxy => !servedHere || (catalog.TryGetProject(key, out var local) && policy.MayMerge(local)),
        FallbackMode.Redirect => !servedHere,
        _ => false,
    };
}
