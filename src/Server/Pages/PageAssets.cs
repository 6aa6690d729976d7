using System.Text;

namespace PypiForge.Server.Pages;

/// <summary>The pages' one stylesheet and one small script, served from this server so the CSP can forbid everything inline.</summary>
public static class PageAssets
{
    public const string StylePath = "/-/pages/site.css";
    public const string ScriptPath = "/-/pages/site.js";

    public static readonly byte[] Style = Encoding.UTF8.GetBytes("""
        body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:0 1rem 2rem;color:#222}
        nav{display:flex;gap:1rem;align-items:center;padding:.6rem 0;border-bottom:1px solid #ddd;margin-bottom:1rem}
        nav form{margin-left:auto}
        pre,code{background:#f4f4f4}
        pre{padding:.6rem;overflow:auto}
        pre.log{max-height:32rem;white-space:pre-wrap;word-break:break-all}
        table{border-collapse:collapse;margin:.5rem 0 1rem}
        th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
        .hash{font-family:monospace;font-size:.8rem}
        .state-succeeded,.cell-served{background:#e3f5e1}
        .state-failed,.cell-failed{background:#fbe3e3}
        .state-running,.cell-building{background:#fff4d6}
        .state-queued,.cell-queued{background:#eef2fb}
        .cell-not-applicable,.cell-none,.state-cancelled{color:#777}
        .upstream{font-size:.8rem;background:#eef;padding:0 .3rem}
        .yanked{color:#a00}
        .problem{color:#a00}
        .held{color:#775}
        button.copy{font-size:.75rem}
        """);

    // The live log: EventSource on /builds/<id>/events (data-events), one <pre data-log="target"> per target; the
    // stream's first state carries each target's tail, later "line" events append; at the end the page reloads (a finished
    // build's page has no data-events, so it does not loop) to show the complete log. Text is set with textContent only.
    public static readonly byte[] Script = Encoding.UTF8.GetBytes("""
        "use strict";
        document.addEventListener("click", function (e) {
          var b = e.target.closest("button[data-copy]");
          if (b && navigator.clipboard) { navigator.clipboard.writeText(b.getAttribute("data-copy")); b.textContent = "copied"; }
        });
        document.addEventListener("DOMContentLoaded", function () {
          var page = document.querySelector("[data-events]");
          if (!page || !window.EventSource) return;
          var logs = {};
          document.querySelectorAll("pre[data-log]").forEach(function (p) { logs[p.getAttribute("data-log")] = p; });
          var status = document.getElementById("live");
          var source = new EventSource(page.getAttribute("data-events"));
          function add(pre, line) {
            var stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
            pre.appendChild(document.createTextNode(line + "\n"));
            if (stick) pre.scrollTop = pre.scrollHeight;
          }
          source.addEventListener("state", function (e) {
            var build = JSON.parse(e.data);
            document.querySelectorAll("[data-build-state]").forEach(function (s) { s.textContent = build.state; });
            build.targets.forEach(function (t) {
              var s = document.querySelector("[data-target-state=\"" + CSS.escape(t.name) + "\"]");
              if (s) s.textContent = t.state;
              var pre = logs[t.name];
              if (pre && t.tail) { pre.textContent = ""; t.tail.forEach(function (l) { add(pre, l); }); }
            });
          });
          source.addEventListener("line", function (e) {
            var l = JSON.parse(e.data);
            if (logs[l.target]) add(logs[l.target], l.line);
          });
          source.addEventListener("end", function () {
            source.close();
            if (status) status.textContent = "Build finished; loading the complete log.";
            location.reload();
          });
          if (status) status.textContent = "Live: log lines appear as the build runs.";
        });
        """);
}
