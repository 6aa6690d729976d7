using PypiForge.Server.Builds;

namespace PypiForge.Server.Pages;

/// <summary>Renders <c>/builds/</c>: newest first, filtered, one page at a time (the cursor is the last build shown).</summary>
internal static class BuildsPage
{
    public const int PageSize = 50;

    public sealed record Filter(string? State, string? Project, string? Target)
    {
        public string Query(string? cursor)
        {
            var parts = new List<string>();
            Add("state", State);
            Add("project", Project);
            Add("target", Target);
            Add("after", cursor);
            return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);

            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    parts.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }
        }
    }

    public static string Render(IReadOnlyList<BuildSnapshot> builds, bool more, Filter filter, string pathBase)
    {
        var page = new PageHtml(pathBase, "Builds");
        page.Raw("<h1>Builds</h1>\n<form method=\"get\" action=\"").Attr(pathBase + "/builds/").Raw("\" id=\"filter\">")
            .Raw("<label>state <select name=\"state\"><option value=\"\">any</option>");
        foreach (var state in Enum.GetValues<Protos.Jobs.TargetState>().Select(Names.Of))
        {
            page.Raw("<option").Raw(state == filter.State ? " selected" : string.Empty).Raw(">").Text(state).Raw("</option>");
        }

        page.Raw("</select></label> <label>project <input name=\"project\" value=\"").Attr(filter.Project).Raw("\"></label> ")
            .Raw("<label>target <input name=\"target\" value=\"").Attr(filter.Target).Raw("\"></label> <button type=\"submit\">filter</button></form>\n");
        if (builds.Count == 0)
        {
            page.Raw("<p>No builds match.</p>\n");
            return page.Finish();
        }

        page.Raw("<table id=\"builds\">\n<tr><th>build</th><th>state</th><th>requirements</th><th>targets</th><th>created</th><th>finished</th></tr>\n");
        foreach (var build in builds)
        {
            page.Raw("<tr><td>").Link("/builds/" + Uri.EscapeDataString(build.Id), build.Id).Raw("</td><td class=\"state-").Attr(Names.Of(build.State)).Raw("\">")
                .Text(Names.Of(build.State)).Raw("</td><td>").Text(string.Join(" ", build.Requirements)).Raw("</td><td>");
            foreach (var target in build.Targets)
            {
                page.Raw("<span class=\"state-").Attr(Names.Of(target.State)).Raw("\">").Text(target.Name + ": " + Names.Of(target.State)).Raw("</span> ");
            }

            page.Raw("</td><td>").Time(build.CreatedAt).Raw("</td><td>").Time(build.FinishedAt).Raw("</td></tr>\n");
        }

        page.Raw("</table>\n");
        if (more)
        {
            page.Raw("<p>").Link("/builds/" + filter.Query(builds[^1].Id), "Older builds →", "next").Raw("</p>\n");
        }

        return page.Finish();
    }
}
