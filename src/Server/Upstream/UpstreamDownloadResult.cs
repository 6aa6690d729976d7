namespace PypiForge.Server.Upstream;

/// <summary>Answers a request for a file whose download is under way: waits until the whole file is in the cache and
/// its sha256 matched, then serves the cache entry (ETag, ranges, HEAD); a failed download is an error answer that
/// says why. Nothing unverified is ever sent: the first client of a large file waits for the whole download.</summary>
internal sealed class UpstreamDownloadResult(UpstreamDownload download, Func<IResult> cached) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var problem = await download.WaitAsync(httpContext.RequestAborted);
        await (problem is null ? cached() : UpstreamEndpoints.Unavailable(problem)).ExecuteAsync(httpContext);
    }
}
