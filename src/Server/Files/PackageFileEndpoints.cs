using Microsoft.Net.Http.Headers;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Files;

/// <summary><c>GET|HEAD /packages/&lt;path&gt;</c>: distributions and their PEP 658 metadata files.
/// Only paths the catalog knows are served, so no spelling of a path can reach outside the root.</summary>
public static class PackageFileEndpoints
{
    private const string MetadataSuffix = ".metadata";
    private const int MaxPathLength = 1024;
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    // The same URL always names the same bytes (a different file is refused by uploads), so clients and proxies may keep it.
    private const string ImmutableCaching = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapPackageFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/packages/{**path}", GetOrHead, Download).WithName("PackageFile");
        return app;
    }

    private static async Task<IResult> Download(
        string? path, HttpContext context, PackageCatalog catalog, CatalogWriter writer, LocalProjectStatuses statuses, Microsoft.Extensions.Options.IOptions<CatalogOptions> options)
    {
        if (string.IsNullOrEmpty(path))
        {
            return NotFound("No file named. Files are listed on the project pages under /simple/.");
        }

        if (path.Length > MaxPathLength || path.AsSpan().IndexOfAny('\0', '\\') >= 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Not a valid file path",
                detail: $"File paths are at most {MaxPathLength} characters, use '/' as separator and contain no NUL.");
        }

        if (catalog.TryGetFile(path, out var file))
        {
            return Quarantined(statuses, file) ?? Serve(context, options.Value.RootPath, file);
        }

        if (path.EndsWith(MetadataSuffix, StringComparison.Ordinal)
            && catalog.TryGetFile(path[..^MetadataSuffix.Length], out var wheel)
            && wheel.MetadataSha256 is not null)
        {
            if (Quarantined(statuses, wheel) is { } refused)
            {
                return refused;
            }

            var bytes = await writer.ReadMetadataAsync(wheel, context.RequestAborted);
            if (bytes is null)
            {
                return NotFound("The metadata of this file could not be read from the state folder nor from the file; the file changed or was removed.");
            }

            context.Response.Headers.CacheControl = ImmutableCaching;
            return TypedResults.Bytes(bytes, "text/plain; charset=utf-8", lastModified: wheel.LastWriteUtc,
                entityTag: new EntityTagHeaderValue($"\"{wheel.MetadataSha256}\""), enableRangeProcessing: true);
        }

        return NotFound($"No file '{path}' is served here. Files are listed on the project pages under /simple/.");
    }

    /// <summary>404 as for any file that is not offered (PEP 792: a quarantined project's files are not available); not
    /// 410 Gone, since the status can be lifted and the file is still here. Null when the project is not quarantined here.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Quarantined(LocalProjectStatuses statuses, CatalogFile file) =>
        statuses.Of(file.ProjectKey) is { IsQuarantined: true } quarantined
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Project quarantined", detail: $"Not served: {quarantined.Refusal}.")
            : null;

    private static IResult Serve(HttpContext context, string root, CatalogFile file)
    {
        // Removed, swapped for a link, or changed after the catalog saw it; the watcher updates the index in a moment.
        var refusal = ServedFile.TryOpen(root, file.RelativePath, file.Size, out var handle);
        if (refusal != ServedFile.Refusal.None)
        {
            return NotFound(refusal switch
            {
                ServedFile.Refusal.Linked => "The file was replaced by a symbolic link, or lies in a linked folder (links are never served).",
                ServedFile.Refusal.Changed => "The file changed since it was indexed (its size or type differs); the index lists it again once it has been read anew.",
                _ => "The file was removed from the package folder.",
            });
        }

        context.Response.Headers.CacheControl = ImmutableCaching;
        return TypedResults.Stream(
            new PackageFileStream(handle!, file.Size),
            ContentTypeOf(file.FileName),
            lastModified: file.LastWriteUtc,
            entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""),
            enableRangeProcessing: true);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not found", detail: detail);

    internal static string ContentTypeOf(string fileName)
    {
        // Never a Content-Encoding for .tar.gz: clients must receive the archive bytes as they are hashed.
        var lower = fileName.ToLowerInvariant();
        return lower switch
        {
            _ when lower.EndsWith(".whl", StringComparison.Ordinal) => "application/zip",
            _ when lower.EndsWith(".zip", StringComparison.Ordinal) => "application/zip",
            _ when lower.EndsWith(".egg", StringComparison.Ordinal) => "application/zip",
            _ when lower.EndsWith(".tar.gz", StringComparison.Ordinal) || lower.EndsWith(".tgz", StringComparison.Ordinal) => "application/gzip",
            _ when lower.EndsWith(".tar.bz2", StringComparison.Ordinal) => "application/x-bzip2",
            _ when lower.EndsWith(".tar.xz", StringComparison.Ordinal) => "application/x-xz",
            _ when lower.EndsWith(".tar", StringComparison.Ordinal) => "application/x-tar",
            _ => "application/octet-stream",
        };
    }
}
