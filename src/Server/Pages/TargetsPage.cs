using PypiForge.Protos.V1;

namespace PypiForge.Server.Pages;

/// <summary>Renders <c>/targets/</c>: each live target, its queue, and its agents with their last heartbeat.</summary>
internal static class TargetsPage
{
    public static string Render(IReadOnlyList<Target> targets, string pathBase)
    {
        var page = new PageHtml(pathBase, "Targets");
        page.Raw("<h1>Targets</h1>\n");
        if (targets.Count == 0)
        {
            page.Raw("<p>No build agent is live, so nothing can be built now. Start the server with Queue:EmbeddedAgent and "
                + "Agent:Interpreters, or start a remote agent (see the README).</p>\n");
            return page.Finish();
        }

        page.Raw("<table id=\"targets\">\n<tr><th>target</th><th>python</th><th>queued</th><th>running</th><th>agents (workers, last heartbeat)</th></tr>\n");
        foreach (var target in targets)
        {
            page.Raw("<tr><td>").Link("/builds/?target=" + Uri.EscapeDataString(target.Name), target.Name).Raw("</td><td>")
                .Text(string.IsNullOrEmpty(target.PythonVersion) ? "—" : target.PythonVersion).Raw("</td><td>").Text(target.Queued)
                .Raw("</td><td>").Text(target.Running).Raw("</td><td><ul>");
            foreach (var agent in target.Agents)
            {
                page.Raw("<li>").Text(agent.Id).Raw(" (").Text(agent.Workers).Raw(", ")
                    .Time(agent.LastHeartbeat is null ? null : agent.LastHeartbeat.ToDateTimeOffset()).Raw(")</li>");
            }

            page.Raw("</ul></td></tr>\n");
        }

        page.Raw("</table>\n");
        return page.Finish();
    }
}
