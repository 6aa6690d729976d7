using PypiForge.Packaging;
using PypiForge.Protos.V1;

namespace PypiForge.Server.Pages;

/// <summary>Renders <c>/project/&lt;name&gt;/</c>: status, the pip line, the release × target matrix, then each release's files.</summary>
internal static class ProjectPage
{
    public static string Render(ProjectView project, IReadOnlyList<Target> targets, string pathBase, string indexUrl)
    {
        var page = new PageHtml(pathBase, project.DisplayName);
        page.Raw("<h1>").Text(project.DisplayName).Raw("</h1>\n");
        // A status set here wins over the upstream's, as on the index pages.
        if (project.LocalStatus is { } local)
        {
            page.Raw("<p class=\"status\">Project status (PEP 792, set here by ").Text(local.SetBy).Raw(" ").Time(local.SetAt).Raw("): <strong>")
                .Text(local.Status).Raw("</strong>");
            if (!string.IsNullOrEmpty(local.Reason))
            {
                page.Raw(" — ").Text(local.Reason);
            }

            page.Raw(local.IsQuarantined ? ". Its files are not served while it is quarantined.</p>\n" : "</p>\n");
        }
        else if (project.Status is { } status)
        {
            page.Raw("<p class=\"status\">Project status (PEP 792, from the upstream): <strong>").Text(status.Status).Raw("</strong>");
            if (!string.IsNullOrEmpty(status.Reason))
            {
                page.Raw(" — ").Text(status.Reason);
            }

            page.Raw("</p>\n");
        }

        var install = "pip install --index-url " + indexUrl + " " + project.DisplayName;
        page.Raw("<pre id=\"pip-install\">").Text(install).Raw("</pre> <button class=\"copy\" type=\"button\" data-copy=\"").Attr(install).Raw("\">copy</button>\n");
        if (project.UpstreamSeenAt is not null && project.MinReleaseAge > TimeSpan.Zero)
        {
            page.Raw("<p class=\"cooldown\">Upstream releases younger than ").Text(project.MinReleaseAge.ToString()).Raw(
                " (<code>Upstream:MinReleaseAge</code>) are held back until they are that old; files of this index are never held.</p>\n");
        }

        if (project.UpstreamSeenAt is { } seen)
        {
            page.Raw("<p>Files marked <span class=\"upstream\">upstream</span> are the upstream index's, served through this one, as last seen ")
                .Time(seen).Raw(" (opening ").Link("/simple/" + Uri.EscapeDataString(project.Key) + "/", "its simple page").Raw(" refreshes it).</p>\n");
        }

        Matrix(page, project, targets);
        page.Raw("<h2>Releases</h2>\n");
        foreach (var release in project.Releases)
        {
            Release(page, project.Key, release);
        }

        page.Raw("<p>").Link("/builds/?project=" + Uri.EscapeDataString(project.Key), "Builds of this project").Raw("</p>\n");
        return page.Finish();
    }

    private static void Matrix(PageHtml page, ProjectView project, IReadOnlyList<Target> targets)
    {
        page.Raw("<h2>Wheels by target</h2>\n");
        if (targets.Count == 0)
        {
            page.Raw("<p>No build agent is live, so there are no targets to show (see ").Link("/targets/", "targets").Raw(").</p>\n");
            return;
        }

        var tags = targets.Select(static t => (t.Name, Tag: WheelTag.TryParse(t.Name, out var tag) ? tag : null)).ToList();
        page.Raw("<table id=\"matrix\">\n<tr><th>release</th>");
        foreach (var (name, _) in tags)
        {
            page.Raw("<th>").Text(name).Raw("</th>");
        }

        page.Raw("</tr>\n");
        foreach (var release in project.Releases)
        {
            page.Raw("<tr><th>").Text(release.Version).Raw("</th>");
            foreach (var (name, tag) in tags)
            {
                var cell = ProjectMatrix.Cell(release.Version, release.Served, tag, name, project.Builds);
                page.Raw("<td class=\"cell-").Attr(cell.Kind).Raw("\" data-target=\"").Attr(name).Raw("\"");
                if (cell.Reason is not null)
                {
                    page.Raw(" title=\"").Attr(cell.Reason).Raw("\"");
                }

                page.Raw(">");
                if (cell.Href is not null)
                {
                    page.Link(cell.Href, cell.Label);
                }
                else
                {
                    page.Text(cell.Label);
                }

                page.Raw("</td>");
            }

            page.Raw("</tr>\n");
        }

        page.Raw("</table>\n");
    }

    private static void Release(PageHtml page, string key, ProjectView.Release release)
    {
        page.Raw("<h3 id=\"v-").Attr(release.Version).Raw("\">").Text(release.Version).Raw("</h3>\n<table class=\"files\">\n")
            .Raw("<tr><th>file</th><th>size</th><th>uploaded</th><th>by</th><th>requires-python</th><th>yanked</th><th>sha256</th></tr>\n");
        foreach (var file in release.Local)
        {
            page.Raw("<tr><td>").Link(ProjectView.FileHref(file), file.FileName).Raw("</td><td>").Size(file.Size).Raw("</td><td>").Time(file.UploadTime)
                .Raw("</td><td class=\"uploader\">").Text(file.UploadedBy ?? "—").Raw("</td><td>").Text(file.RequiresPython ?? "—").Raw("</td>");
            Yanked(page, file.Yanked);
            Hash(page, file.Sha256);
        }

        foreach (var file in release.Upstream)
        {
            page.Raw("<tr><td>").Link(ProjectView.UpstreamHref(key, file.FileName), file.FileName).Raw(" <span class=\"upstream\">upstream</span></td><td>");
            if (file.Size is { } size)
            {
                page.Size(size);
            }

            page.Raw("</td><td>").Time(file.UploadTime).Raw("</td><td>—</td><td>").Text(file.RequiresPython ?? "—").Raw("</td>");
            Yanked(page, file.Yanked);
            Hash(page, file.Sha256);
        }

        foreach (var (fileName, reason) in release.Held)
        {
            page.Raw("<tr class=\"held\"><td>").Text(fileName).Raw(" <span class=\"upstream\">upstream, held back</span></td><td colspan=\"6\">")
                .Text(reason).Raw("</td></tr>\n");
        }

        page.Raw("</table>\n");
    }

    private static void Yanked(PageHtml page, string? yanked)
    {
        page.Raw("<td class=\"yanked\">");
        if (yanked is not null)
        {
            page.Text(yanked.Length == 0 ? "yanked" : "yanked: " + yanked);
        }

        page.Raw("</td>");
    }

    private static void Hash(PageHtml page, string sha256) =>
        page.Raw("<td><code class=\"hash\">").Text(sha256).Raw("</code> <button class=\"copy\" type=\"button\" data-copy=\"").Attr(sha256).Raw("\">copy</button></td></tr>\n");
}
