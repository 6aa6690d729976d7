using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace PypiForge.Server.Pages;

/// <summary>Builds one page. Markup comes only from <see cref="Raw"/> with constant text written here; everything else
/// (names, versions, reasons, uploaders, log lines, URLs) goes through <c>Text</c> or <see cref="Attr"/>, which
/// HTML-encode it, so text from a package or a build can never become markup.</summary>
public sealed class PageHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder html = new(8192);

    /// <summary>Starts a page: head (stylesheet and script from this server only, see <see cref="PageResult"/>'s CSP) and nav.</summary>
    public PageHtml(string pathBase, string title)
    {
        PathBase = pathBase;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        Text(title).Raw(" · PypiForge</title>\n<link rel=\"stylesheet\" href=\"").Attr(pathBase + PageAssets.StylePath)
            .Raw("\">\n<script src=\"").Attr(pathBase + PageAssets.ScriptPath).Raw("\" defer></script>\n</head>\n<body>\n<nav><a href=\"")
            .Attr(pathBase + "/").Raw("\">PypiForge</a> <a href=\"").Attr(pathBase + "/simple/").Raw("\">simple index</a> <a href=\"")
            .Attr(pathBase + "/builds/").Raw("\">builds</a> <a href=\"").Attr(pathBase + "/targets/").Raw("\">targets</a>")
            .Raw("<form class=\"search\" method=\"get\" action=\"").Attr(pathBase + "/search").Raw("\"><input type=\"search\" name=\"q\" placeholder=\"Search projects\" aria-label=\"Search projects\"></form></nav>\n<main>\n");
    }

    public string PathBase { get; }

    /// <summary>Constant markup written in this assembly (never data).</summary>
    public PageHtml Raw(string markup)
    {
        html.Append(markup);
        return this;
    }

    public PageHtml Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Encoder.Encode(new StringWriter(html, CultureInfo.InvariantCulture), text);
        }

        return this;
    }

    public PageHtml Text(long number)
    {
        html.Append(number.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>An attribute value (the caller writes the quotes).</summary>
    public PageHtml Attr(string? value) => Text(value);

    /// <summary>A link to a path on this server; <paramref name="path"/> starts with '/' and its data parts are escaped by the caller
    /// (<see cref="Uri.EscapeDataString(string)"/>).</summary>
    public PageHtml Link(string path, string text, string? cssClass = null)
    {
        Raw("<a href=\"").Attr(PathBase + path);
        if (cssClass is not null)
        {
            Raw("\" class=\"").Attr(cssClass);
        }

        return Raw("\">").Text(text).Raw("</a>");
    }

    public PageHtml Time(DateTimeOffset? moment)
    {
        if (moment is not { } m)
        {
            return Raw("—");
        }

        var utc = m.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return Raw("<time datetime=\"").Attr(m.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Raw("\">").Text(utc).Raw(" UTC</time>");
    }

    public PageHtml Size(long bytes) => Text(
        bytes < 1024 ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
        : bytes < 1024 * 1024 ? (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB"
        : (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB");

    public static string Duration(TimeSpan? duration) => duration is not { } d ? "—"
        : d.TotalHours >= 1 ? d.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : d.TotalMinutes >= 1 ? d.ToString(@"m\:ss", CultureInfo.InvariantCulture)
        : d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Ends the page.</summary>
    public string Finish()
    {
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}
