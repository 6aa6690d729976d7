using Microsoft.Net.Http.Headers;

namespace PypiForge.Server.SimpleIndex;

/// <summary>Writes a pre-rendered index page: negotiated encoding, strong ETag, 304, and revalidate-always caching.</summary>
public sealed class PageResult(RenderedPage page, string contentType) : IResult
{
    // Index pages change whenever the folder does: clients may keep them but must revalidate (cheap with the ETag).
    private const string CacheControl = "max-age=0, must-revalidate";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var (body, etag, encoding) = ChooseEncoding(request.Headers.AcceptEncoding);

        var headers = response.Headers;
        headers.Vary = "Accept, Accept-Encoding";
        headers.CacheControl = CacheControl;
        headers.ETag = etag;
        if (IsNotModified(request.Headers.IfNoneMatch, page))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    private (byte[] Body, string ETag, string? Encoding) ChooseEncoding(Microsoft.Extensions.Primitives.StringValues acceptEncoding)
    {
        if (acceptEncoding.Count == 0 || !StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings))
        {
            return (page.Body, page.ETag, null);
        }

        double br = 0, gzip = 0, identity = 1;
        foreach (var coding in codings)
        {
            var q = coding.Quality ?? 1.0;
            var name = coding.Value.Value;
            if (string.Equals(name, "br", StringComparison.OrdinalIgnoreCase))
            {
                br = q;
            }
            else if (string.Equals(name, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = q;
            }
            else if (string.Equals(name, "identity", StringComparison.OrdinalIgnoreCase))
            {
                identity = q;
            }
        }

        // Tiny pages are not worth a Content-Encoding (the headers outweigh the saving).
        if (page.Body.Length < 256 && identity > 0)
        {
            return (page.Body, page.ETag, null);
        }

        if (br > 0 && br >= gzip)
        {
            return (page.Brotli, page.BrotliETag, "br");
        }

        return gzip > 0 ? (page.Gzip, page.GzipETag, "gzip") : (page.Body, page.ETag, null);
    }

    // Weak comparison (RFC 9110 §13.1.2) across our encodings: the same content in another coding is not modified.
    private static bool IsNotModified(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, RenderedPage page)
    {
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any))
            {
                return true;
            }

            var value = tag.Tag.Value;
            if (value == page.ETag || value == page.GzipETag || value == page.BrotliETag)
            {
                return true;
            }
        }

        return false;
    }
}
