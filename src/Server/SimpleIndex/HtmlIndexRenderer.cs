using System.Net;
using System.Text;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>PEP 503 pages, with PEP 629 repository version, PEP 592 yanking, PEP 658/714 metadata and
/// data-requires-python (escaped once); a project page with a PEP 792 status marker says 1.4 and carries the
/// <c>pypi:project-status</c> meta tags.</summary>
public static class HtmlIndexRenderer
{
    public const string RepositoryVersion = "1.1";

    public static byte[] RenderRoot(CatalogSnapshot snapshot)
    {
        var html = Head("Simple index");
        html.Append("    <h1>Simple index</h1>\n");
        foreach (var project in snapshot.Projects.Values)
        {
            html.Append("    <a href=\"").Append(Encode(Uri.EscapeDataString(project.Key))).Append("/\">")
                .Append(Encode(project.DisplayName)).Append("</a><br />\n");
        }

        return Tail(html);
    }

    public static byte[] RenderProject(IndexProject project)
    {
        var html = Head("Links for " + project.DisplayName, project.Status);
        html.Append("    <h1>Links for ").Append(Encode(project.DisplayName)).Append("</h1>\n");
        foreach (var file in project.Files)
        {
            html.Append("    <a href=\"").Append(Encode(file.Url))
                .Append("#sha256=").Append(file.Sha256).Append('"');
            if (file.RequiresPython is not null)
            {
                html.Append(" data-requires-python=\"").Append(Encode(file.RequiresPython)).Append('"');
            }

            if (file.MetadataSha256 is not null)
            {
                // PEP 714: the new attribute for new clients, the old one for pip versions that only know it.
                html.Append(" data-dist-info-metadata=\"sha256=").Append(file.MetadataSha256).Append('"');
                html.Append(" data-core-metadata=\"sha256=").Append(file.MetadataSha256).Append('"');
            }

            if (file.Yanked is not null)
            {
                html.Append(" data-yanked=\"").Append(Encode(file.Yanked)).Append('"');
            }

            html.Append('>').Append(Encode(file.FileName)).Append("</a><br />\n");
        }

        return Tail(html);
    }

    private static StringBuilder Head(string title, ProjectStatus? status = null)
    {
        var html = new StringBuilder(4096)
            .Append("<!DOCTYPE html>\n<html>\n  <head>\n")
            .Append("    <meta name=\"pypi:repository-version\" content=\"")
            .Append(status is null ? RepositoryVersion : JsonIndexRenderer.StatusApiVersion).Append("\">\n");
        if (status is not null)
        {
            html.Append("    <meta name=\"pypi:project-status\" content=\"").Append(Encode(status.Status)).Append("\">\n");
            if (status.Reason is not null)
            {
                html.Append("    <meta name=\"pypi:project-status-reason\" content=\"").Append(Encode(status.Reason)).Append("\">\n");
            }
        }

        return html.Append("    <title>").Append(Encode(title)).Append("</title>\n  </head>\n  <body>\n");
    }

    private static byte[] Tail(StringBuilder html) =>
        Encoding.UTF8.GetBytes(html.Append("  </body>\n</html>\n").ToString());

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
