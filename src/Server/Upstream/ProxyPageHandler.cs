using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>Proxy mode: a project page is the local files plus the upstream's (local wins on a file name), with the
/// upstream's file URLs pointing at this server. When no upstream can answer, the page is what is here. Upstream files
/// held back by the <see cref="ReleaseCooldown"/> are left out; the upstream's PEP 792 status is passed on, unless an admin
/// set one here (<see cref="LocalProjectStatuses"/>): the local status wins, and a project quarantined here offers no file
/// at all. The upstream's quarantine still keeps the upstream's files out whatever the local status says.</summary>
public sealed class ProxyPageHandler(
    UpstreamPages pages, MergePolicy policy, UpstreamBuilds builds, ReleaseCooldown cooldown, BuiltWheelLedger ledger, LocalProjectStatuses statuses)
    : IMissingProjectHandler, IProjectMerger
{
    public bool Merges(ProjectEntry project) => policy.MayMerge(project);

    public async ValueTask<IResult> MergeAsync(ProjectEntry project, IndexFormat format, HttpContext context, CancellationToken cancellationToken)
    {
        var status = statuses.Of(project.Key);
        var lookup = await pages.GetAsync(project.Key, anyAge: false, cancellationToken);
        if (lookup.Project is not { Found: true } upstream)
        {
            return LocalPages.Of(project, status).Result(format);
        }

        var view = cooldown.ViewOf(project.Key, upstream.Listing);
        if (status is not { IsQuarantined: true })
        {
            builds.Consider(project.Key, view, project);
        }

        return upstream.Listing.PagesFor(project, status, view, () => IndexPages.For(Merge(project.Key, project, status, upstream.Listing, view))).Result(format);
    }

    public async ValueTask<IResult> HandleAsync(string normalizedName, IndexFormat format, HttpContext context, CancellationToken cancellationToken)
    {
        var lookup = await pages.GetAsync(normalizedName, anyAge: false, cancellationToken);
        if (lookup.Project is { Found: true } upstream)
        {
            var status = statuses.Of(normalizedName);
            var view = cooldown.ViewOf(normalizedName, upstream.Listing);
            if (status is not { IsQuarantined: true })
            {
                builds.Consider(normalizedName, view, null);
            }

            return upstream.Listing.PagesFor(null, status, view, () => IndexPages.For(Merge(normalizedName, null, status, upstream.Listing, view))).Result(format);
        }

        // Not a 5xx: the upstream failing is not this server failing, and the answer says what happened.
        return TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Project not found",
            detail: lookup.Problem is null
                ? $"No project named '{normalizedName}' is served here or by the upstream index."
                : $"No project named '{normalizedName}' is served here, and the upstream index could not be asked: {lookup.Problem}. Try again later.");
    }

    private IndexProject Merge(string key, ProjectEntry? local, LocalProjectStatus? status, UpstreamListing listing, UpstreamView view)
    {
        if (status is { IsQuarantined: true })
        {
            return new IndexProject(key, local?.DisplayName ?? key, [], [], status.Marker);
        }

        var files = new List<IndexFile>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var versions = new List<string>();
        if (local is not null)
        {
            foreach (var file in local.Files)
            {
                var shown = IndexFile.From(file);
                files.Add(SourceTime(listing, file) is { } source ? shown with { UploadTime = source } : shown);
                names.Add(file.FileName);
            }

            versions.AddRange(local.Versions);
        }

        foreach (var file in view.Files)
        {
            if (names.Add(file.FileName))
            {
                files.Add(new IndexFile(file.FileName, UpstreamEndpoints.FileFromProjectPage(key, file.FileName), file.Sha256,
                    file.RequiresPython, file.MetadataSha256, file.Yanked, file.Size, file.UploadTime));
                versions.Add(file.Version);
            }
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.FileName, b.FileName));
        return new IndexProject(key, local?.DisplayName ?? key, IndexProject.SortVersions(versions), files, status?.Marker ?? listing.Status);
    }

    /// <summary>A wheel built here from an upstream release shows the upload-time of that release's sdist upstream (the
    /// build's source time), so a client-side cooldown judges it by its source's age, not by when it was built.</summary>
    private DateTimeOffset? SourceTime(UpstreamListing listing, CatalogFile file)
    {
        if (!WheelFilename.TryParse(file.FileName, out var wheel) || !ledger.Contains(file.FileName, file.Sha256)
            || !PackageVersion.TryParse(wheel.Version, out var version))
        {
            return null;
        }

        return listing.Files
            .Where(f => f.UploadTime is not null && DistributionFilename.TryParse(f.FileName, out var d) && d.Kind == DistributionKind.Sdist
                && PackageVersion.TryParse(f.Version, out var v) && v == version)
            .Select(static f => f.UploadTime)
            .Min();
    }
}
