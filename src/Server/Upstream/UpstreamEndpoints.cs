using PypiForge.Packaging;
using PypiForge.Server.Catalog;
using PypiForge.Server.Files;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary><c>GET|HEAD /upstream/&lt;project&gt;/&lt;file&gt;</c>: upstream files (and their PEP 658 metadata) through the cache.
/// A file is looked up by name in the upstream's page of that project; no path is ever made from the name. A file the
/// <see cref="ReleaseCooldown"/> holds back (too young, or its project quarantined upstream) is refused 404 with the reason.</summary>
public static class UpstreamEndpoints
{
    private const string MetadataSuffix = ".metadata";
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>From <c>/simple/&lt;project&gt;/</c> to the proxied file.</summary>
    public static string FileFromProjectPage(string key, string fileName) =>
        "../../upstream/" + Uri.EscapeDataString(key) + "/" + Uri.EscapeDataString(fileName);

    /// <summary>Maps the proxied files; returns the group so authorization can be put on it in one place.</summary>
    public static RouteGroupBuilder MapUpstream(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/upstream");
        group.MapMethods("/{project}/{file}", GetOrHead, DownloadAsync).WithName("UpstreamFile");
        return group;
    }

    internal static IResult Unavailable(string problem) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "File not available",
        detail: $"This file is not cached here and the upstream could not provide it: {problem}. Try again later.");

    private static async Task<IResult> DownloadAsync(
        string project,
        string file,
        UpstreamPaths paths,
        UpstreamPages pages,
        MergePolicy policy,
        PackageCatalog catalog,
        UpstreamFileCache cache,
        ReleaseCooldown cooldown,
        Metrics.ServerMetrics metrics,
        LocalProjectStatuses statuses,
        CancellationToken cancellationToken)
    {
        if (project.Length > ProjectName.MaxLength || !ProjectName.IsValid(project) || ProjectName.Normalize(project) != project
            || file.Length > DistributionFilename.MaxLength + MetadataSuffix.Length || file.AsSpan().IndexOfAny("/\\\0") >= 0 || file.StartsWith('.'))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Not a valid upstream file path",
                detail: "Upstream files are at /upstream/<normalized project name>/<file name>, as the project pages link them.");
        }

        if (paths.Mode != FallbackMode.Proxy)
        {
            return NotFound("This server does not proxy an upstream index (Upstream:Fallback is not proxy).");
        }

        catalog.TryGetProject(project, out var local);
        if (!policy.MayMerge(local))
        {
            return NotFound($"'{project}' is a private project here: files of the upstream project of that name are not served (see Upstream:AllowMerge).");
        }

        if (statuses.Of(project) is { IsQuarantined: true } quarantined)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Project quarantined", detail: $"Not served: {quarantined.Refusal}.");
        }

        var lookup = await pages.GetAsync(project, anyAge: true, cancellationToken);
        if (lookup.Project is not { Found: true } upstream)
        {
            return lookup.Problem is null
                ? NotFound($"The upstream index has no project '{project}'.")
                : Unavailable(lookup.Problem);
        }

        var view = cooldown.ViewOf(project, upstream.Listing);
        var distribution = file.EndsWith(MetadataSuffix, StringComparison.Ordinal) ? file[..^MetadataSuffix.Length] : file;
        if (view.Held.TryGetValue(distribution, out var hold))
        {
            metrics.UpstreamFileHeldBack();
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File held back", detail: $"Not served: {hold}.");
        }

        var files = upstream.Listing.ByName;
        if (view.LetThrough.TryGetValue(distribution, out var entry) && files.TryGetValue(distribution, out var fresh))
        {
            cooldown.DownloadLetThrough(project, fresh, entry);
        }

        if (files.TryGetValue(file, out var found))
        {
            return await cache.ServeAsync(upstream.Source!, file, found.Url, found.Sha256, found.Size, PackageFileEndpoints.ContentTypeOf(file), cancellationToken);
        }

        if (file.EndsWith(MetadataSuffix, StringComparison.Ordinal)
            && files.TryGetValue(file[..^MetadataSuffix.Length], out var wheel) && wheel.MetadataSha256 is { } metadataSha256)
        {
            return await cache.ServeAsync(upstream.Source!, file, new Uri(wheel.Url.AbsoluteUri + MetadataSuffix), metadataSha256, null, "text/plain; charset=utf-8", cancellationToken);
        }

        if (upstream.Listing.Refused.TryGetValue(file, out var refused)
            || (file.EndsWith(MetadataSuffix, StringComparison.Ordinal) && upstream.Listing.Refused.TryGetValue(file[..^MetadataSuffix.Length], out refused)))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "File not fetched from that host",
                detail: $"The upstream's page of '{project}' lists '{file}' at a host this server does not fetch from: {refused.Reason}.");
        }

        return NotFound($"The upstream's page of '{project}' lists no file '{file}'.");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not found", detail: detail);
}
