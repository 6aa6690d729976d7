using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Pages;

/// <summary>What a project page shows, gathered from memory only: the catalog entry, the upstream listing as last seen
/// (never fetched for a page: opening <c>/simple/&lt;name&gt;/</c> or a pip install refreshes it), the cooldown's view of
/// it, and the recent builds that asked for the project.</summary>
internal sealed record ProjectView(
    string Key,
    string DisplayName,
    IReadOnlyList<ProjectView.Release> Releases,
    ProjectStatus? Status,
    DateTimeOffset? UpstreamSeenAt,
    IReadOnlyList<ProjectMatrix.ReleaseBuild> Builds,
    LocalProjectStatus? LocalStatus,
    TimeSpan MinReleaseAge)
{
    /// <summary>Builds of this project looked at for the matrix (newest first).</summary>
    public const int RecentBuilds = 100;

    public sealed record Release(
        string Version,
        IReadOnlyList<CatalogFile> Local,
        IReadOnlyList<UpstreamFile> Upstream,
        IReadOnlyList<(string FileName, string Reason)> Held,
        IReadOnlyList<ProjectMatrix.ServedFile> Served);

    public static ProjectView? Gather(
        string key, ProjectEntry? local, UpstreamProject? upstream, ReleaseCooldown cooldown, BuildRecords records,
        LocalProjectStatus? localStatus, TimeSpan minReleaseAge)
    {
        UpstreamView? view = upstream is { Found: true } ? cooldown.ViewOf(key, upstream.Listing) : null;
        if (local is null && view is null)
        {
            return null;
        }

        var localNames = new HashSet<string>(local?.Files.Select(static f => f.FileName) ?? [], StringComparer.OrdinalIgnoreCase);
        var byVersion = new Dictionary<string, (List<CatalogFile> Local, List<UpstreamFile> Up, List<(string, string)> Held)>(StringComparer.Ordinal);
        (List<CatalogFile> Local, List<UpstreamFile> Up, List<(string, string)> Held) Slot(string version) =>
            byVersion.TryGetValue(version, out var slot) ? slot : byVersion[version] = ([], [], []);
        foreach (var file in local?.Files ?? [])
        {
            Slot(file.Version).Local.Add(file);
        }

        if (view is not null)
        {
            foreach (var file in view.Files.Where(f => !localNames.Contains(f.FileName)))
            {
                Slot(file.Version).Up.Add(file);
            }

            foreach (var file in upstream!.Listing.Files.Where(f => view.Held.ContainsKey(f.FileName) && !localNames.Contains(f.FileName)))
            {
                Slot(file.Version).Held.Add((file.FileName, view.Held[file.FileName]));
            }
        }

        var releases = byVersion
            .Select(kv => new Release(kv.Key, kv.Value.Local, kv.Value.Up, kv.Value.Held, Served(key, kv.Value.Local, kv.Value.Up)))
            .OrderByDescending(static r => PackageVersion.TryParse(r.Version, out var v) ? v : null)
            .ThenByDescending(static r => r.Version, StringComparer.Ordinal)
            .ToList();
        var builds = PickReleases(key, releases, records.ListBefore(null, null, key, null, RecentBuilds) ?? []);
        return new ProjectView(key, local?.DisplayName ?? key, releases, upstream?.Listing.Status, upstream?.FetchedAt, builds, localStatus, minReleaseAge);
    }

    private static List<ProjectMatrix.ServedFile> Served(string key, List<CatalogFile> local, List<UpstreamFile> upstream)
    {
        var served = new List<ProjectMatrix.ServedFile>(local.Count + upstream.Count);
        served.AddRange(local.Select(static f => new ProjectMatrix.ServedFile(f.Distribution, FileHref(f), false, f.RequiresPython, f.IsYanked)));
        foreach (var file in upstream)
        {
            if (DistributionFilename.TryParse(file.FileName, out var distribution))
            {
                served.Add(new ProjectMatrix.ServedFile(distribution, UpstreamHref(key, file.FileName), true, file.RequiresPython, file.Yanked is not null));
            }
        }

        return served;
    }

    public static string FileHref(CatalogFile file) =>
        "/packages/" + string.Join('/', file.RelativePath.Split('/').Select(Uri.EscapeDataString));

    public static string UpstreamHref(string key, string fileName) =>
        "/upstream/" + Uri.EscapeDataString(key) + "/" + Uri.EscapeDataString(fileName);

    /// <summary>Each build with the release its requirement for this project picks (the newest that satisfies it, as pip
    /// would; pre-releases only when the build allows them or nothing else fits); builds that pick none are left out.</summary>
    private static List<ProjectMatrix.ReleaseBuild> PickReleases(string key, List<Release> releases, IReadOnlyList<BuildSnapshot> builds)
    {
        var versions = releases
            .Select(static r => PackageVersion.TryParse(r.Version, out var v) ? (r.Version, Parsed: v) : (r.Version, Parsed: null))
            .Where(static v => v.Parsed is not null)
            .ToList();
        var result = new List<ProjectMatrix.ReleaseBuild>();
        foreach (var build in builds)
        {
            foreach (var text in build.Requirements)
            {
                if (!Requirement.TryParse(text, out var requirement, out _) || requirement.NormalizedName != key)
                {
                    continue;
                }

                VersionSpecifiers? specifiers = null;
                if (requirement.Specifier.Length > 0 && !VersionSpecifiers.TryParse(requirement.Specifier, out specifiers))
                {
                    continue;
                }

                var fitting = versions.Where(v => specifiers is null || specifiers.Contains(v.Parsed!)).ToList();
                var pick = fitting.FirstOrDefault(v => build.Prerelease || !v.Parsed!.IsPrerelease);
                pick = pick.Version is null ? fitting.FirstOrDefault() : pick;
                if (pick.Version is not null)
                {
                    result.Add(new ProjectMatrix.ReleaseBuild(build, pick.Version));
                }
            }
        }

        return result;
    }
}
