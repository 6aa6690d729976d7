using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace PypiForge.Server.SimpleIndex;

/// <summary>Chooses the representation from <c>?format=</c> or the <c>Accept</c> header (PEP 691), q-values included.</summary>
public static class ContentNegotiation
{
    public const string JsonV1 = "application/vnd.pypi.simple.v1+json";
    public const string HtmlV1 = "application/vnd.pypi.simple.v1+html";
    public const string TextHtml = "text/html";
    public const string JsonLatest = "application/vnd.pypi.simple.latest+json";
    public const string HtmlLatest = "application/vnd.pypi.simple.latest+html";

    public static readonly string[] Offered = [JsonV1, HtmlV1, TextHtml];

    private static readonly IndexFormat[] Formats = [IndexFormat.JsonV1, IndexFormat.HtmlV1, IndexFormat.Html];

    public static string ContentType(IndexFormat format) => format switch
    {
        IndexFormat.JsonV1 => JsonV1,
        IndexFormat.HtmlV1 => HtmlV1,
        _ => "text/html; charset=utf-8",
    };

    /// <summary>Returns the format to serve, or null when nothing acceptable is offered (406).</summary>
    public static IndexFormat? Negotiate(StringValues formatQuery, StringValues accept)
    {
        if (!StringValues.IsNullOrEmpty(formatQuery))
        {
            return FromName(formatQuery.ToString().Trim());
        }

        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return IndexFormat.Html;
        }

        IndexFormat? best = null;
        var bestScore = (Quality: 0.0, Exact: false, Preference: 0);
        foreach (var format in Formats)
        {
            var (quality, exact) = QualityOf(format, ranges);
            if (quality <= 0)
            {
                continue;
            }

            // Ties: an explicitly named type beats a wildcard; among named types JSON is preferred (the modern API),
            // while a bare */* gets HTML, which every client and browser understands.
            var preference = exact
                ? format switch { IndexFormat.JsonV1 => 3, IndexFormat.HtmlV1 => 2, _ => 1 }
                : format switch { IndexFormat.Html => 3, IndexFormat.HtmlV1 => 2, _ => 1 };
            var score = (quality, exact, preference);
            if (best is null || score.CompareTo(bestScore) > 0)
            {
                best = format;
                bestScore = score;
            }
        }

        return best;
    }

    private static IndexFormat? FromName(string name) => name.ToLowerInvariant() switch
    {
        JsonV1 or JsonLatest or "json" => IndexFormat.JsonV1,
        HtmlV1 or HtmlLatest => IndexFormat.HtmlV1,
        TextHtml or "html" => IndexFormat.Html,
        _ => null,
    };

    // The q of the most specific range that matches (RFC 9110 §12.5.1): exact type, then type/*, then */*.
    private static (double Quality, bool Exact) QualityOf(IndexFormat format, IList<MediaTypeHeaderValue> ranges)
    {
        var (type, subtype) = format switch
        {
            IndexFormat.JsonV1 => ("application", "vnd.pypi.simple.v1+json"),
            IndexFormat.HtmlV1 => ("application", "vnd.pypi.simple.v1+html"),
            _ => ("text", "html"),
        };
        var latest = format switch
        {
            IndexFormat.JsonV1 => "vnd.pypi.simple.latest+json",
            IndexFormat.HtmlV1 => "vnd.pypi.simple.latest+html",
            _ => null,
        };

        var specificity = -1;
        double quality = 0;
        foreach (var range in ranges)
        {
            var rangeType = range.Type.Value ?? string.Empty;
            var rangeSubtype = range.SubType.Value ?? string.Empty;
            int level;
            if (rangeType == "*" && rangeSubtype == "*")
            {
                level = 0;
            }
            else if (!rangeType.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            else if (rangeSubtype == "*")
            {
                level = 1;
            }
            else if (rangeSubtype.Equals(subtype, StringComparison.OrdinalIgnoreCase)
                || (latest is not null && rangeSubtype.Equals(latest, StringComparison.OrdinalIgnoreCase)))
            {
                level = 2;
            }
            else
            {
                continue;
            }

            var q = range.Quality ?? 1.0;
            if (level > specificity || (level == specificity && q > quality))
            {
                specificity = level;
                quality = q;
            }
        }

        return (quality, specificity == 2);
    }
}
