using Microsoft.AspNetCore.Http.HttpResults;
using PypiForge.Packaging;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>The simple repository API: <c>/simple/</c> and <c>/simple/&lt;project&gt;/</c>.</summary>
public static class SimpleIndexEndpoints
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IServiceCollection AddSimpleIndex(this IServiceCollection services)
    {
        // The upstream feature replaces both (AddUpstream runs later and its registrations win).
        services.AddSingleton<IMissingProjectHandler, NotFoundMissingProjectHandler>();
        services.AddSingleton<IProjectMerger, NoProjectMerger>();
        services.AddSingleton<LocalProjectStatuses>();
        return services;
    }

    public static IEndpointRouteBuilder MapSimpleIndex(this IEndpointRouteBuilder app)
    {
        // Routing ignores a trailing slash, so the handlers look at the raw path to send slash-less URLs to the canonical one.
        app.MapMethods("/simple", GetOrHead, Root).WithName("SimpleRoot");
        app.MapMethods("/simple/{project}", GetOrHead, ProjectAsync).WithName("SimpleProject");
        return app;
    }

    private static Results<PageResult, RedirectHttpResult, ProblemHttpResult> Root(HttpContext context, PackageCatalog catalog)
    {
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            return Canonical(context, "/simple/");
        }

        var format = ContentNegotiation.Negotiate(context.Request.Query["format"], context.Request.Headers.Accept);
        if (format is null)
        {
            return NotAcceptable();
        }

        var pages = catalog.Current.GetOrAddRootPages(static snapshot => new IndexPages(
            () => new RenderedPage(HtmlIndexRenderer.RenderRoot(snapshot)),
            () => new RenderedPage(JsonIndexRenderer.RenderRoot(snapshot))));
        return new PageResult(pages.Get(format.Value), ContentNegotiation.ContentType(format.Value));
    }

    private static async Task<IResult> ProjectAsync(
        string project,
        HttpContext context,
        PackageCatalog catalog,
        IMissingProjectHandler missing,
        IProjectMerger merger,
        LocalProjectStatuses statuses,
        CancellationToken cancellationToken)
    {
        if (project.Length > ProjectName.MaxLength || !ProjectName.IsValid(project))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Not a valid project name",
                detail: $"Project names are ASCII letters, digits, '.', '-' and '_', start and end with a letter or digit, "
                    + $"and have at most {ProjectName.MaxLength} characters (PEP 508).");
        }

        var normalized = ProjectName.Normalize(project);
        if (normalized != project || !context.Request.Path.Value!.EndsWith('/'))
        {
            return Canonical(context, $"/simple/{normalized}/");
        }

        var format = ContentNegotiation.Negotiate(context.Request.Query["format"], context.Request.Headers.Accept);
        if (format is null)
        {
            return NotAcceptable();
        }

        if (!catalog.TryGetProject(normalized, out var entry))
        {
            return await missing.HandleAsync(normalized, format.Value, context, cancellationToken);
        }

        if (merger.Merges(entry))
        {
            return await merger.MergeAsync(entry, format.Value, context, cancellationToken);
        }

        return LocalPages.Of(entry, statuses.Of(normalized)).Result(format.Value);
    }

    /// <summary>A permanent redirect to the canonical path, keeping the query (project pages use it too).</summary>
    internal static RedirectHttpResult Canonical(HttpContext context, string path) =>
        TypedResults.Redirect(context.Request.PathBase + path + context.Request.QueryString, permanent: true);

    private static ProblemHttpResult NotAcceptable() => TypedResults.Problem(
        statusCode: StatusCodes.Status406NotAcceptable,
        title: "Not acceptable",
        detail: "This index serves " + string.Join(", ", ContentNegotiation.Offered)
            + " (Accept header, or ?format=json / ?format=html).");
}
