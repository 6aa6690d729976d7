using Microsoft.AspNetCore.Http.Features;

namespace PypiForge.Server.Upstream;

/// <summary>Streams a file while it is being downloaded into the cache. The client never receives a complete-looking
/// body that was not verified: with a known length the last byte is held back until the sha256 matched, and a failed
/// download aborts the connection instead of ending the response.</summary>
internal sealed class UpstreamDownloadResult(UpstreamDownload download, string contentType, string cacheControl) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var aborted = httpContext.RequestAborted;
        var problem = await download.Started.WaitAsync(aborted);
        if (problem is not null)
        {
            await UpstreamEndpoints.Unavailable(problem).ExecuteAsync(httpContext);
            return;
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = download.Length;
        response.Headers.ETag = $"\"{download.Sha256}\"";
        response.Headers.CacheControl = cacheControl;
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var source = Open();
        if (source is null)
        {
            httpContext.Abort();
            return;
        }

        var buffer = new byte[81920];
        long sent = 0;
        while (true)
        {
            var next = download.NextProgress;
            var done = download.Completed.IsCompleted;
            var read = await source.ReadAsync(buffer, aborted);
            if (done && download.Completed.Result is not null)
            {
                httpContext.Abort();
                return;
            }

            if (!done && download.Length is { } length && sent + read >= length)
            {
                // Hold back the last byte until the hash is known to match.
                read = (int)Math.Max(0, length - 1 - sent);
                source.Position = sent + read;
            }

            if (read > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
                sent += read;
                continue;
            }

            if (done)
            {
                return;
            }

            await Task.WhenAny(next, download.Completed).WaitAsync(aborted);
        }
    }

    private FileStream? Open()
    {
        foreach (var path in new[] { download.TemporaryPath, download.FinalPath })
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
            }
            catch (FileNotFoundException)
            {
                // Moved into place (or removed) since the download began: try the final name, then give up.
            }
        }

        return null;
    }
}
