using PypiForge.Server.Builds;

namespace PypiForge.Server.Pages;

/// <summary>Renders <c>/builds/&lt;id&gt;</c>: per target its state, duration, wheels, reason and log. While the build runs
/// the page names its event stream (<c>data-events</c>) and the script appends lines as they come.</summary>
internal static class BuildPage
{
    public static string Render(BuildSnapshot build, IReadOnlyDictionary<string, (string Text, bool Cut)?> finishedLogs, string pathBase)
    {
        var page = new PageHtml(pathBase, "Build " + build.Id);
        var running = !build.IsFinished;
        page.Raw("<article id=\"build\"");
        if (running)
        {
            page.Raw(" data-events=\"").Attr(pathBase + "/builds/" + Uri.EscapeDataString(build.Id) + "/events").Raw("\"");
        }

        page.Raw(">\n<h1>Build ").Text(build.Id).Raw("</h1>\n<p>State: <strong data-build-state>").Text(Names.Of(build.State)).Raw("</strong>. Requirements: <code>")
            .Text(string.Join(" ", build.Requirements)).Raw("</code>").Raw(build.WithDependencies ? " (with dependencies)" : string.Empty)
            .Raw(build.Prerelease ? " (pre-releases allowed)" : string.Empty).Raw(". Created ").Time(build.CreatedAt).Raw(", finished ").Time(build.FinishedAt).Raw(".</p>\n");
        if (running)
        {
            page.Raw("<p id=\"live\">This build is running.</p>\n");
        }

        foreach (var target in build.Targets)
        {
            var log = "/builds/" + Uri.EscapeDataString(build.Id) + "/log/" + Uri.EscapeDataString(target.Name);
            page.Raw("<section class=\"target\">\n<h2>").Text(target.Name).Raw("</h2>\n<p>State: <strong class=\"state-").Attr(Names.Of(target.State))
                .Raw("\" data-target-state=\"").Attr(target.Name).Raw("\">").Text(Names.Of(target.State)).Raw("</strong>; started ").Time(target.StartedAt)
                .Raw("; duration ").Text(PageHtml.Duration(target.Duration)).Raw(".</p>\n");
            if (ProjectMatrix.TargetReason(target) is { } reason)
            {
                page.Raw("<p class=\"reason\">").Text(reason).Raw("</p>\n");
            }

            if (target.Wheels.Count > 0)
            {
                page.Raw("<ul class=\"wheels\">");
                foreach (var wheel in target.Wheels)
                {
                    page.Raw("<li>").Link("/packages/" + Uri.EscapeDataString(wheel.FileName), wheel.FileName).Raw(" (").Size(wheel.Size).Raw(", ")
                        .Text(wheel.Outcome.ToString()).Raw(wheel.Detail is null ? string.Empty : ": ").Text(wheel.Detail).Raw(")</li>");
                }

                page.Raw("</ul>\n");
            }

            page.Raw("<p>Log (").Link(log, "whole file").Raw(")");
            var full = finishedLogs.GetValueOrDefault(target.Name);
            if (full is { Cut: true })
            {
                page.Raw(", last ").Text(BuildLogFiles.InlineBytes / 1024).Raw(" KiB here");
            }
            else if (full is null)
            {
                page.Raw(", last ").Text(target.Tail.Count).Raw(" lines here");
            }

            page.Raw(":</p>\n<pre class=\"log\" data-log=\"").Attr(target.Name).Raw("\">");
            page.Text(full is { } text ? text.Text : string.Join('\n', target.Tail) + (target.Tail.Count > 0 ? "\n" : string.Empty));
            page.Raw("</pre>\n</section>\n");
        }

        page.Raw("</article>\n");
        return page.Finish();
    }
}
