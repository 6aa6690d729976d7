using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Upstream;

/// <summary>Builds from upstream (on demand): when a proxied project's newest release has an sdist but no wheel a
/// configured target can install, a build of that release is requested once (the idempotency key deduplicates it), so a
/// later install gets a wheel. The built wheel is merged into the page like any wheel built here. Only what the
/// cooldown offers is looked at: a release held back upstream is not built here (a built wheel is never held).</summary>
public sealed class UpstreamBuilds(IOptions<UpstreamOptions> options, BuildScheduler scheduler, ILogger<UpstreamBuilds> logger)
{
    private readonly string[] targets = options.Value.BuildTargetList;

    // Each view of an upstream listing (a page's content, as the cooldown offers it) is looked at once.
    private readonly ConditionalWeakTable<UpstreamView, object> seen = [];

    public void Consider(string key, UpstreamView listing, ProjectEntry? local)
    {
        if (targets.Length == 0 || !seen.TryAdd(listing, listing))
        {
            return;
        }

        var newest = listing.Files
            .Where(static f => f.Yanked is null && DistributionFilename.TryParse(f.FileName, out var d) && d.Kind == DistributionKind.Sdist)
            .Select(static f => (File: f, Version: PackageVersion.TryParse(f.Version, out var v) ? v : null))
            .Where(static x => x.Version is not null && !x.Version.IsPrerelease)
            .MaxBy(static x => x.Version);
        if (newest.File is null)
        {
            return;
        }

        var version = newest.File.Version;
        var wheels = listing.Files.Select(static f => f.FileName)
            .Concat(local?.Files.Select(static f => f.FileName) ?? [])
            .Select(static name => WheelFilename.TryParse(name, out var wheel) ? wheel : null)
            .OfType<WheelFilename>()
            .Where(w => w.Version == version)
            .ToList();
        foreach (var target in targets)
        {
            if (wheels.Any(w => w.IsPure || w.Tags.Any(t => string.Equals(t.ToString(), target, StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            var result = scheduler.Schedule(new BuildRequest(
                [$"{key}=={version}"], [target], WithDependencies: false, IdempotencyKey: $"upstream:{key}=={version}:{target}"));
            if (result is ScheduleResult.Accepted accepted)
            {
                UpstreamLog.BuildRequested(logger, key, version, target, accepted.Build.Id);
            }
            else if (result is ScheduleResult.NotApplicable)
            {
                // The release's Requires-Python excludes the target's Python: asking again on the next page view changes nothing.
                UpstreamLog.BuildNotRequested(logger, key, version, target, result.Refusal!);
            }
            else
            {
                // No agent yet (start-up) or the target is gone: a later request for the page tries again.
                seen.Remove(listing);
                UpstreamLog.BuildNotRequested(logger, key, version, target, result.Refusal!);
            }
        }
    }
}
