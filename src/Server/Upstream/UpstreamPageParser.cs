using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PypiForge.Packaging;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>Reads an upstream project page, PEP 691 JSON or PEP 503 HTML, into the files it lists. Files that do not
/// belong to the project, have names that are not distributions, or come without a sha256 are left out; a page that
/// is neither is an error (the caller then answers from what it has). The PEP 792 project status is read from both
/// (JSON <c>project-status</c>, HTML <c>pypi:project-status</c> meta tags); a value PEP 792 does not define is ignored.</summary>
public static partial class UpstreamPageParser
{
    public sealed class InvalidPageException(string message) : Exception(message);

    /// <summary>What a page says: its files and the project's status marker (null when it states none).</summary>
    public sealed record Page(IReadOnlyList<UpstreamFile> Files, ProjectStatus? Status);

    public static Page Parse(string key, Uri pageUri, string? mediaType, ReadOnlySpan<byte> body)
    {
        var type = mediaType?.ToLowerInvariant();
        if (type is not null && type.EndsWith("json", StringComparison.Ordinal))
        {
            return ParseJson(key, pageUri, body);
        }

        if (type is null || type.Contains("html", StringComparison.Ordinal))
        {
            return ParseHtml(key, pageUri, System.Text.Encoding.UTF8.GetString(body));
        }

        throw new InvalidPageException($"the page is '{mediaType}', neither the JSON nor the HTML simple API");
    }

    private static Page ParseJson(string key, Uri pageUri, ReadOnlySpan<byte> body)
    {
        var files = new List<UpstreamFile>();
        ProjectStatus? status = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("files", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidPageException("the JSON page has no \"files\" list (PEP 691)");
            }

            if (Object(document.RootElement, "project-status") is { } marker)
            {
                status = Status(String(marker, "status"), String(marker, "reason"));
            }

            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || String(item, "filename") is not { } fileName
                    || String(item, "url") is not { } url
                    || !item.TryGetProperty("hashes", out var hashes) || hashes.ValueKind != JsonValueKind.Object
                    || String(hashes, "sha256") is not { } sha256)
                {
                    continue;
                }

                var metadata = Object(item, "core-metadata") ?? Object(item, "dist-info-metadata");
                var yanked = item.TryGetProperty("yanked", out var y)
                    ? y.ValueKind switch { JsonValueKind.True => string.Empty, JsonValueKind.String => y.GetString(), _ => null }
                    : null;
                long? size = item.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) && n >= 0 ? n : null;
                DateTimeOffset? uploaded = String(item, "upload-time") is { } t
                    && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
                Add(files, key, pageUri, fileName, url, sha256, String(item, "requires-python"),
                    metadata is { } m ? String(m, "sha256") : null, yanked, size, uploaded);
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidPageException($"the JSON page does not parse ({ex.Message})");
        }

        return new Page(files, status);
    }

    private static Page ParseHtml(string key, Uri pageUri, string html)
    {
        string? statusText = null;
        string? reason = null;
        foreach (Match meta in Meta().Matches(html))
        {
            var attributes = Attributes(meta.Groups["attrs"].Value);
            var name = attributes.GetValueOrDefault("name");
            if (string.Equals(name, "pypi:project-status", StringComparison.OrdinalIgnoreCase))
            {
                statusText ??= attributes.GetValueOrDefault("content");
            }
            else if (string.Equals(name, "pypi:project-status-reason", StringComparison.OrdinalIgnoreCase))
            {
                reason ??= attributes.GetValueOrDefault("content");
            }
        }

        var files = new List<UpstreamFile>();
        foreach (Match anchor in Anchor().Matches(html))
        {
            var attributes = Attributes(anchor.Groups["attrs"].Value);
            if (!attributes.TryGetValue("href", out var href) || !Uri.TryCreate(pageUri, href, out var uri))
            {
                continue;
            }

            var fragment = uri.Fragment.TrimStart('#');
            var sha256 = fragment.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? fragment["sha256=".Length..] : null;
            var fileName = Uri.UnescapeDataString(uri.AbsolutePath[(uri.AbsolutePath.LastIndexOf('/') + 1)..]);
            var metadata = attributes.GetValueOrDefault("data-core-metadata") ?? attributes.GetValueOrDefault("data-dist-info-metadata");
            var metadataSha256 = metadata is not null && metadata.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? metadata["sha256=".Length..] : null;
            if (sha256 is not null)
            {
                Add(files, key, pageUri, fileName, href, sha256, attributes.GetValueOrDefault("data-requires-python"),
                    metadataSha256, attributes.GetValueOrDefault("data-yanked"), null, null);
            }
        }

        if (files.Count == 0 && !html.Contains("<a", StringComparison.OrdinalIgnoreCase) && !html.Contains("<html", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidPageException("the page is not HTML");
        }

        return new Page(files, Status(statusText, reason));
    }

    private static Dictionary<string, string> Attributes(string text)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in Attribute().Matches(text))
        {
            var value = attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                : attribute.Groups["bare"].Value;
            attributes.TryAdd(attribute.Groups["name"].Value, WebUtility.HtmlDecode(value));
        }

        return attributes;
    }

    // "active" is the default and says nothing; an unknown marker is not passed on as if it were one.
    private static ProjectStatus? Status(string? status, string? reason)
    {
        var marker = status?.Trim().ToLowerInvariant();
        return marker is null || marker == "active" || !ProjectStatus.Known.Contains(marker)
            ? null
            : new ProjectStatus(marker, string.IsNullOrWhiteSpace(reason) ? null : reason);
    }

    private static void Add(
        List<UpstreamFile> files, string key, Uri pageUri, string fileName, string url, string sha256,
        string? requiresPython, string? metadataSha256, string? yanked, long? size, DateTimeOffset? uploaded)
    {
        if (!DistributionFilename.TryParse(fileName, out var parsed) || parsed.NormalizedProject != key
            || fileName.AsSpan().IndexOfAny('/', '\\', '\0') >= 0
            || !IsSha256(sha256)
            || !Uri.TryCreate(pageUri, url, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return;
        }

        // The fragment carries the hash for pip; the server fetches the bare URL.
        var bare = new UriBuilder(uri) { Fragment = string.Empty }.Uri;
        files.Add(new UpstreamFile(fileName, parsed.Version, bare, sha256.ToLowerInvariant(), requiresPython,
            metadataSha256 is not null && IsSha256(metadataSha256) ? metadataSha256.ToLowerInvariant() : null, yanked, size, uploaded));
    }

    public static bool IsSha256(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement? Object(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    [GeneratedRegex(@"<a\b(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Anchor();

    [GeneratedRegex(@"<meta\b(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Meta();

    [GeneratedRegex(@"(?<name>[\w:-]+)\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'>]+))", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Attribute();
}
