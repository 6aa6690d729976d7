using System.Net.Http.Headers;
using System.Text;

namespace PypiForge.Server.Upstream;

/// <summary>One configured upstream index: its base URL without credentials (safe to log and to redirect to),
/// and the Basic credentials sent to its host.</summary>
public sealed class UpstreamIndex
{
    private UpstreamIndex(Uri baseUri, AuthenticationHeaderValue? authorization)
    {
        BaseUri = baseUri;
        Authorization = authorization;
    }

    /// <summary>Ends with '/'; no user information.</summary>
    public Uri BaseUri { get; }

    public AuthenticationHeaderValue? Authorization { get; }

    public override string ToString() => BaseUri.ToString();

    public Uri ProjectUri(string normalizedName) => new(BaseUri, Uri.EscapeDataString(normalizedName) + "/");

    /// <summary>Credentials go only to the index's own scheme, host and port, never to a file host it links to.</summary>
    public AuthenticationHeaderValue? AuthorizationFor(Uri uri) =>
        Authorization is not null && Uri.Compare(uri, BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? Authorization
            : null;

    /// <summary>Returns null and the index, or a reason the URL cannot be used.</summary>
    public static string? TryCreate(string url, out UpstreamIndex? index)
    {
        index = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "not an absolute http:// or https:// URL";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "a simple index URL has no query or fragment";
        }

        AuthenticationHeaderValue? authorization = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            var user = Uri.UnescapeDataString(parts[0]);
            var password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        }

        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        index = new UpstreamIndex(builder.Uri, authorization);
        return null;
    }

    /// <summary>The URL with any password replaced, for messages.</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo)
            ? new UriBuilder(uri) { UserName = "***", Password = string.Empty }.Uri.ToString()
            : url;
}
