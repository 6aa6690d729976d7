using System.Text;

namespace PypiForge.Server.Pages;

/// <summary>An HTML page for people, with the headers that keep it inert: a Content-Security-Policy that allows this
/// server's own stylesheet, script and event stream and nothing else (no inline script or style, no plugins, no
/// framing, forms only to this server), no MIME sniffing, and no referrer sent elsewhere.</summary>
public sealed class PageResult(string html, int statusCode = StatusCodes.Status200OK) : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public string Html { get; } = html;

    public int StatusCode { get; } = statusCode;

    /// <summary>A page that says what went wrong and what to do (a 400 or 404 people read).</summary>
    public static PageResult Problem(HttpRequest request, int statusCode, string title, string detail)
    {
        var page = new PageHtml(request.PathBase, title);
        page.Raw("<h1>").Text(title).Raw("</h1>\n<p class=\"problem\">").Text(detail).Raw("</p>\n");
        return new PageResult(page.Finish(), statusCode);
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        Secure(httpContext.Response);
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = "text/html; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(Html);
        httpContext.Response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(httpContext.Request.Method) ? Task.CompletedTask : httpContext.Response.Body.WriteAsync(bytes).AsTask();
    }

    public static void Secure(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-cache";
    }
}
