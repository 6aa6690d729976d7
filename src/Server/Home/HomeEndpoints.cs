using System.Net;
using System.Text;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Home;

/// <summary><c>GET /</c>: a page for people — what is served, and copy-paste set-up for common clients.</summary>
public static class HomeEndpoints
{
    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder app)
    {
        // GET only: POST / is the upload endpoint of the legacy API (Uploads).
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, PackageCatalog catalog) =>
            TypedResults.Content(Render(context.Request, catalog), "text/html; charset=utf-8", Encoding.UTF8));
        return app;
    }

    private static string Render(HttpRequest request, PackageCatalog catalog)
    {
        var snapshot = catalog.Current;
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var host = request.Host.Host;
        var index = baseUrl + "/simple/";
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>PypiForge</title>\n")
            .Append("<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}")
            .Append("pre{background:#f4f4f4;padding:.6rem;overflow:auto}</style>\n</head>\n<body>\n")
            .Append("<h1>PypiForge</h1>\n")
            .Append("<p>This server hosts a Python package index: <strong>").Append(snapshot.Projects.Count)
            .Append("</strong> projects, <strong>").Append(snapshot.FileCount).Append("</strong> files. ")
            .Append("<a href=\"simple/\">Browse the simple index</a>.</p>\n");
        if (!catalog.Rejected.IsEmpty)
        {
            html.Append("<p>").Append(catalog.Rejected.Count)
                .Append(" file(s) in the package folder are not valid distributions and are left out; the server log says why.</p>\n");
        }

        html.Append("<h2>pip</h2>\n<pre>pip install --index-url ").Append(e(index));
        if (request.Scheme == "http")
        {
            html.Append(" --trusted-host ").Append(e(host));
        }

        html.Append(" PACKAGE</pre>\n")
            .Append("<h2>pip.conf (~/.config/pip/pip.conf)</h2>\n<pre>[global]\nindex-url = ").Append(e(index));
        if (request.Scheme == "http")
        {
            html.Append("\ntrusted-host = ").Append(e(host));
        }

        html.Append("</pre>\n")
            .Append("<h2>uv</h2>\n<pre>uv pip install --index-url ").Append(e(index)).Append(" PACKAGE\n")
            .Append("# or in pyproject.toml\n[[tool.uv.index]]\nname = \"pypiforge\"\nurl = \"").Append(e(index)).Append("\"\ndefault = true</pre>\n")
            .Append("<h2>poetry</h2>\n<pre>poetry source add --priority=primary pypiforge ").Append(e(index)).Append('\n')
            .Append("poetry config repositories.pypiforge ").Append(e(baseUrl + "/")).Append('\n')
            .Append("poetry publish --repository pypiforge</pre>\n")
            .Append("<h2>twine</h2>\n<pre>twine upload --repository-url ").Append(e(baseUrl + "/")).Append(" dist/*</pre>\n")
            .Append("<p><a href=\"health\">health</a></p>\n</body>\n</html>\n");
        return html.ToString();
    }
}
