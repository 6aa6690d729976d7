using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.Pages;

namespace PypiForge.Server.Home;

/// <summary><c>GET /</c>: a page for people — what is served, a project search, the builds and targets, and
/// copy-paste set-up for common clients.</summary>
public static class HomeEndpoints
{
    private const int RecentBuilds = 10;

    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder app)
    {
        // GET only: POST / is the upload endpoint of the legacy API (Uploads).
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, PackageCatalog catalog, BuildRecords records, LiveTargetList targets) =>
            new PageResult(Render(context.Request, catalog, records, targets)));
        return app;
    }

    private static string Render(HttpRequest request, PackageCatalog catalog, BuildRecords records, LiveTargetList targets)
    {
        var snapshot = catalog.Current;
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var host = request.Host.Host;
        var index = PagesEndpoints.IndexUrl(request);
        var live = targets.Current();
        var page = new PageHtml(request.PathBase, "Home");
        page.Raw("<h1>PypiForge</h1>\n<form method=\"get\" action=\"").Attr(request.PathBase + "/search").Raw("\" id=\"home-search\">")
            .Raw("<input type=\"search\" name=\"q\" placeholder=\"Project name or part of it\" aria-label=\"Project name\"> <button type=\"submit\">search</button></form>\n")
            .Raw("<p>This server hosts a Python package index: <strong id=\"project-count\">").Text(snapshot.Projects.Count)
            .Raw("</strong> projects, <strong id=\"file-count\">").Text(snapshot.FileCount).Raw("</strong> files. ")
            .Link("/simple/", "Browse the simple index").Raw(".</p>\n")
            .Raw("<p>Builds: <strong id=\"running-count\">").Text(live.Sum(static t => t.Running)).Raw("</strong> running, <strong id=\"queued-count\">")
            .Text(live.Sum(static t => t.Queued)).Raw("</strong> queued on ").Link("/targets/", live.Count + " live target(s)").Raw(". ")
            .Link("/builds/", "All builds").Raw(".</p>\n");
        if (!catalog.Rejected.IsEmpty)
        {
            page.Raw("<p>").Text(catalog.Rejected.Count)
                .Raw(" file(s) in the package folder are not valid distributions and are left out; the server log says why.</p>\n");
        }

        var recent = records.ListBefore(null, null, null, null, RecentBuilds) ?? [];
        if (recent.Count > 0)
        {
            page.Raw("<h2>Recent builds</h2>\n<ul id=\"recent-builds\">");
            foreach (var build in recent)
            {
                page.Raw("<li>").Link("/builds/" + Uri.EscapeDataString(build.Id), build.Id).Raw(" ").Text(string.Join(" ", build.Requirements))
                    .Raw(" — <span class=\"state-").Attr(Names.Of(build.State)).Raw("\">").Text(Names.Of(build.State)).Raw("</span></li>");
            }

            page.Raw("</ul>\n");
        }

        page.Raw("<h2>pip</h2>\n<pre>pip install --index-url ").Text(index);
        if (request.Scheme == "http")
        {
            page.Raw(" --trusted-host ").Text(host);
        }

        page.Raw(" PACKAGE</pre>\n<h2>pip.conf (~/.config/pip/pip.conf)</h2>\n<pre>[global]\nindex-url = ").Text(index);
        if (request.Scheme == "http")
        {
            page.Raw("\ntrusted-host = ").Text(host);
        }

        page.Raw("</pre>\n<h2>uv</h2>\n<pre>uv pip install --index-url ").Text(index).Raw(" PACKAGE\n")
            .Raw("# or in pyproject.toml\n[[tool.uv.index]]\nname = \"pypiforge\"\nurl = \"").Text(index).Raw("\"\ndefault = true</pre>\n")
            .Raw("<h2>poetry</h2>\n<pre>poetry source add --priority=primary pypiforge ").Text(index).Raw("\n")
            .Raw("poetry config repositories.pypiforge ").Text(baseUrl + "/").Raw("\npoetry publish --repository pypiforge</pre>\n")
            .Raw("<h2>twine</h2>\n<pre>twine upload --repository-url ").Text(baseUrl + "/").Raw(" dist/*</pre>\n")
            .Raw("<p>").Link("/health", "health").Raw("</p>\n");
        return page.Finish();
    }
}
