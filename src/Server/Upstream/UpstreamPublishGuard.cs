using PypiForge.Packaging;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Upstream;

/// <summary>Refuses to publish a built wheel under a name the upstream serves with other bytes: the merged page would
/// show the local file (local wins on a name), and installs locked to the upstream's hash would break. When the
/// upstream cannot be asked, the build is published (an offline server keeps building).</summary>
public sealed class UpstreamPublishGuard(UpstreamPages pages) : IPublishGuard
{
    public async ValueTask<string?> RefuseAsync(WheelFilename wheel, string sha256, CancellationToken cancellationToken)
    {
        var lookup = await pages.GetAsync(wheel.NormalizedProject, anyAge: false, cancellationToken);
        return lookup.Project is { Found: true } upstream
            && upstream.Listing.ByName.TryGetValue(wheel.FileName, out var theirs) && theirs.Sha256 != sha256
            ? $"the upstream {upstream.Source} serves a different file under this name (sha256 {theirs.Sha256[..12]}…); "
                + "it was not published, so installs locked to the upstream's hash keep working"
            : null;
    }
}
