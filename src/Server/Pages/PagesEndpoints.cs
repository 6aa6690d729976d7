using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Pages;

/// <summary>Pages for people: <c>/search</c>, <c>/project/&lt;name&gt;/</c>, <c>/builds/</c>, <c>/builds/&lt;id&gt;</c> (with its
/// live event stream and whole log) and <c>/targets/</c>. Read-only, rendered from memory (the catalog snapshot, the
/// build records, the upstream listing as last seen, the live targets) — only a finished build's log is read from disk.</summary>
public static class PagesEndpoints
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddSingleton<BuildEvents>();
        services.AddSingleton<BuildLogFiles>();
        return services;
    }

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        app.MapMethods(PageAssets.StylePath, GetOrHead, static () => Asset(PageAssets.Style, "text/css; charset=utf-8"));
        app.MapMethods(PageAssets.ScriptPath, GetOrHead, static () => Asset(PageAssets.Script, "text/javascript; charset=utf-8"));
        app.MapMethods("/search", GetOrHead, Search);
        app.MapMethods("/project/{name}", GetOrHead, Project);
        app.MapMethods("/builds", GetOrHead, Builds);
        app.MapMethods("/builds/{id}", GetOrHead, BuildAsync);
        app.MapGet("/builds/{id}/events", static (string id, HttpContext context, BuildEvents events) => events.StreamAsync(id, context, context.RequestAborted));
        app.MapMethods("/builds/{id}/log/{target}", GetOrHead, Log);
        app.MapMethods("/targets", GetOrHead, Targets);
        return app;
    }

    private static FileContentHttpResult Asset(byte[] bytes, string contentType) => TypedResults.Bytes(bytes, contentType);

    private static PageResult Search(HttpContext context, PackageCatalog catalog)
    {
        var request = context.Request;
        var query = request.Query["q"].ToString();
        if (query.Length > ProjectSearch.MaxQueryLength)
        {
            return PageResult.Problem(request, StatusCodes.Status400BadRequest, "Search text too long",
                $"A search is at most {ProjectSearch.MaxQueryLength} characters (project names are at most {ProjectName.MaxLength}).");
        }

        var page = new PageHtml(request.PathBase, "Search");
        page.Raw("<h1>Search</h1>\n<form method=\"get\" action=\"").Attr(request.PathBase + "/search").Raw("\" id=\"search\"><input type=\"search\" name=\"q\" value=\"")
            .Attr(query).Raw("\" aria-label=\"Project name\"> <button type=\"submit\">search</button></form>\n");
        if (ProjectSearch.Normalize(query).Length > 0)
        {
            var (found, more) = ProjectSearch.Find(catalog.Current.Projects, query);
            page.Raw("<p>").Text(found.Count).Raw(more ? "+ projects match; the first " + ProjectSearch.MaxResults + " are shown, type more to narrow it." : " project(s) match.").Raw("</p>\n<ul id=\"results\">");
            foreach (var project in found)
            {
                page.Raw("<li>").Link("/project/" + Uri.EscapeDataString(project.Key) + "/", project.DisplayName).Raw(" (").Text(project.Versions.Length).Raw(" releases)</li>");
            }

            page.Raw("</ul>\n");
        }

        return new PageResult(page.Finish());
    }

    private static IResult Project(
        string name, HttpContext context, PackageCatalog catalog, BuildRecords records, LiveTargetList targets,
        UpstreamPages upstream, ReleaseCooldown cooldown, MergePolicy policy, IOptions<UpstreamOptions> upstreamOptions,
        LocalProjectStatuses statuses)
    {
        var request = context.Request;
        if (name.Length > ProjectName.MaxLength || !ProjectName.IsValid(name))
        {
            return PageResult.Problem(request, StatusCodes.Status400BadRequest, "Not a valid project name",
                $"Project names are ASCII letters, digits, '.', '-' and '_', start and end with a letter or digit, and have at most {ProjectName.MaxLength} characters (PEP 508).");
        }

        var key = ProjectName.Normalize(name);
        if (key != name || !request.Path.Value!.EndsWith('/'))
        {
            return SimpleIndexEndpoints.Canonical(context, "/project/" + key + "/");
        }

        catalog.TryGetProject(key, out var local);
        var proxied = upstreamOptions.Value.Mode == FallbackMode.Proxy && policy.MayMerge(local) ? upstream.Known(key) : null;
        var view = ProjectView.Gather(key, local, proxied, cooldown, records, statuses.Of(key), upstreamOptions.Value.MinReleaseAge);
        if (view is null)
        {
            return PageResult.Problem(request, StatusCodes.Status404NotFound, "Project not found",
                upstreamOptions.Value.Mode == FallbackMode.Proxy
                    ? $"No project named '{key}' is served here, and the upstream's page for it has not been fetched yet; pip install {key} (or opening /simple/{key}/) fetches it."
                    : $"No project named '{key}' is served here. /search finds projects by name.");
        }

        return new PageResult(ProjectPage.Render(view, targets.Current(), request.PathBase, IndexUrl(request)));
    }

    private static IResult Builds(HttpContext context, BuildRecords records)
    {
        var request = context.Request;
        if (!request.Path.Value!.EndsWith('/'))
        {
            return SimpleIndexEndpoints.Canonical(context, "/builds/");
        }

        var filter = new BuildsPage.Filter(Param(request, "state"), Param(request, "project"), Param(request, "target"));
        Protos.Jobs.TargetState? state = null;
        if (filter.State is not null && (state = Names.Parse(filter.State)) is null)
        {
            return BadFilter(request, $"state '{filter.State}' is not a build state; use one of: {string.Join(", ", Enum.GetValues<Protos.Jobs.TargetState>().Select(Names.Of))}.");
        }

        if (filter.Project is not null && (filter.Project.Length > ProjectName.MaxLength || !ProjectName.IsValid(filter.Project)))
        {
            return BadFilter(request, $"project '{filter.Project}' is not a valid project name (ASCII letters, digits, '.', '-' and '_').");
        }

        if (filter.Target is not null && !WheelTag.TryParse(filter.Target, out _))
        {
            return BadFilter(request, $"target '{filter.Target}' is not a target name (interpreter-abi-platform, e.g. cp311-cp311-linux_x86_64; /targets/ lists them).");
        }

        var after = Param(request, "after");
        var page = records.ListBefore(after, state, filter.Project is null ? null : ProjectName.Normalize(filter.Project), filter.Target, BuildsPage.PageSize + 1);
        if (page is null)
        {
            return BadFilter(request, $"after '{after}' is not a build this server knows (a page link's cursor); start again from /builds/.");
        }

        return new PageResult(BuildsPage.Render([.. page.Take(BuildsPage.PageSize)], page.Count > BuildsPage.PageSize, filter, request.PathBase));
    }

    private static async Task<IResult> BuildAsync(string id, HttpContext context, BuildRecords records, BuildLogFiles logs)
    {
        if (records.Find(id) is not { } build)
        {
            return NoBuild(context.Request, id);
        }

        var finished = new Dictionary<string, (string Text, bool Cut)?>(StringComparer.Ordinal);
        foreach (var target in build.Targets.Where(static t => t.IsFinished))
        {
            finished[target.Name] = await logs.TailAsync(build.Id, target.Name, context.RequestAborted);
        }

        return new PageResult(BuildPage.Render(build, finished, context.Request.PathBase));
    }

    private static IResult Log(string id, string target, HttpContext context, BuildRecords records, BuildLogFiles logs)
    {
        if (records.Find(id) is not { } build)
        {
            return NoBuild(context.Request, id);
        }

        if (build.Targets.FirstOrDefault(t => t.Name == target) is null)
        {
            return PageResult.Problem(context.Request, StatusCodes.Status404NotFound, "No such target",
                $"Build {build.Id} has no target '{target}'; its targets are {string.Join(", ", build.Targets.Select(static t => t.Name))}.");
        }

        var path = logs.PathOf(build.Id, target);
        if (!File.Exists(path))
        {
            return PageResult.Problem(context.Request, StatusCodes.Status404NotFound, "No log yet",
                $"Target {target} of build {build.Id} has not written a log yet (it is {Names.Of(build.Targets.First(t => t.Name == target).State)}).");
        }

        PageResult.Secure(context.Response);
        return TypedResults.PhysicalFile(path, "text/plain; charset=utf-8", enableRangeProcessing: true);
    }

    private static IResult Targets(HttpContext context, LiveTargetList targets) =>
        !context.Request.Path.Value!.EndsWith('/')
            ? SimpleIndexEndpoints.Canonical(context, "/targets/")
            : new PageResult(TargetsPage.Render(targets.Current(), context.Request.PathBase));

    private static string? Param(HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    private static PageResult BadFilter(HttpRequest request, string detail) =>
        PageResult.Problem(request, StatusCodes.Status400BadRequest, "Bad filter", detail);

    private static PageResult NoBuild(HttpRequest request, string id) =>
        PageResult.Problem(request, StatusCodes.Status404NotFound, "Build not found", $"No build with id '{id}'. /builds/ lists the builds this server knows.");

    /// <summary>The index URL as the client reached this server.</summary>
    internal static string IndexUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/simple/";
}
