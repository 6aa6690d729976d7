using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>Proxy mode: a project page is the local files plus the upstream's (local wins on a file name), with the
/// upstream's file URLs pointing at this server. When no upstream can answer, the page is what is here.</summary>
public sealed class ProxyPageHandler(UpstreamPages pages, MergePolicy policy, UpstreamBuilds builds) : IMissingProjectHandler, IProjectMerger
{
    public bool Merges(ProjectEntry project) => policy.MayMerge(project);

    public async ValueTask<IResult> MergeAsync(ProjectEntry project, IndexFormat format, HttpContext context, CancellationToken cancellationToken)
    {
        var lookup = await pages.GetAsync(project.Key, anyAge: false, cancellationToken);
        if (lookup.Project is { Found: true } found)
        {
            builds.Consider(project.Key, found.Listing, project);
        }

        return lookup.Project is { Found: true } upstream
            ? upstream.Listing.PagesFor(project, () => IndexPages.For(Merge(project.Key, project, upstream))).Result(format)
            : project.GetOrAddPages(static e => IndexPages.For(IndexProject.From(e))).Result(format);
    }

    public async ValueTask<IResult> HandleAsync(string normalizedName, IndexFormat format, HttpContext context, CancellationToken cancellationToken)
    {
        var lookup = await pages.GetAsync(normalizedName, anyAge: false, cancellationToken);
        if (lookup.Project is { Found: true } upstream)
        {
            builds.Consider(normalizedName, upstream.Listing, null);
            return upstream.Listing.PagesFor(null, () => IndexPages.For(Merge(normalizedName, null, upstream))).Result(format);
        }

        // Not a 5xx: the upstream failing is not this server failing, and the answer says what happened.
        return TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Project not found",
            detail: lookup.Problem is null
                ? $"No project named '{normalizedName}' is served here or by the upstream index."
                : $"No project named '{normalizedName}' is served here, and the upstream index could not be asked: {lookup.Problem}. Try again later.");
    }

    private static IndexProject Merge(string key, ProjectEntry? local, UpstreamProject upstream)
    {
        var files = new List<IndexFile>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var versions = new List<string>();
        if (local is not null)
        {
            foreach (var file in local.Files)
            {
                files.Add(IndexFile.From(file));
                names.Add(file.FileName);
            }

            versions.AddRange(local.Versions);
        }

        foreach (var file in upstream.Listing.Files)
        {
            if (names.Add(file.FileName))
            {
                files.Add(new IndexFile(file.FileName, UpstreamEndpoints.FileFromProjectPage(key, file.FileName), file.Sha256,
                    file.RequiresPython, file.MetadataSha256, file.Yanked, file.Size, file.UploadTime));
                versions.Add(file.Version);
            }
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.FileName, b.FileName));
        return new IndexProject(key, local?.DisplayName ?? key, IndexProject.SortVersions(versions), files);
    }
}
