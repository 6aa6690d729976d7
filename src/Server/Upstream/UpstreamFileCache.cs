using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace PypiForge.Server.Upstream;

/// <summary>Upstream files, cached under their sha256. The first request starts one download (shared by every
/// concurrent request for the same file, and not cancelled when a client leaves); every request waits until the file is
/// complete and verified, then is served from the cache. A download that fails, is cut short or has the wrong hash
/// leaves no cache entry and sends the client no byte of it. Downloads go only to hosts <see cref="UpstreamFileHosts"/>
/// allows, redirects included (followed here, each hop checked). A cached file is hashed again the first time this
/// process serves it.</summary>
public sealed class UpstreamFileCache(
    UpstreamPaths paths,
    UpstreamFileHosts hosts,
    IOptions<UpstreamOptions> options,
    IHttpClientFactory clients,
    IHostApplicationLifetime lifetime,
    Metrics.ServerMetrics metrics,
    ILogger<UpstreamFileCache> logger)
{
    public const string ClientName = "upstream-files";
    private const string ImmutableCaching = "public, max-age=31536000, immutable";
    private const int MaxRedirects = 5;

    private readonly ConcurrentDictionary<string, UpstreamDownload> inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> verified = new(StringComparer.Ordinal);
    private readonly TimeSpan timeout = options.Value.Timeout;
    private readonly TimeSpan downloadTimeout = options.Value.DownloadTimeout;

    /// <summary>Number of downloads started from an upstream (for operators and tests).</summary>
    public long UpstreamFetches => Interlocked.Read(ref fetches);

    /// <summary>Requests waiting for a download to complete (for tests).</summary>
    public int Waiting => inflight.Values.Sum(static d => d.Waiters);

    private long fetches;

    public async Task<IResult> ServeAsync(UpstreamIndex index, string fileName, Uri url, string sha256, long? size, string contentType, CancellationToken cancellationToken)
    {
        var path = paths.FilePath(sha256);
        if (File.Exists(path) && await IsIntactAsync(path, sha256, cancellationToken))
        {
            metrics.UpstreamFile(Metrics.UpstreamResult.Hit);
            return Cached(path, sha256, contentType);
        }

        // Pages set such files apart already; this is the second line, for any caller.
        if (hosts.Refusal(index, url) is { } refusal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "File not fetched from that host", detail: $"'{fileName}' is not fetched: {refusal}.");
        }

        metrics.UpstreamFile(Metrics.UpstreamResult.Miss);
        var created = new UpstreamDownload(sha256, path + $".{Guid.NewGuid():N}.part", path);
        var download = inflight.GetOrAdd(sha256, created);
        if (ReferenceEquals(download, created))
        {
            _ = Task.Run(() => FetchAsync(index, fileName, url, size, download), CancellationToken.None);
        }

        return new UpstreamDownloadResult(download, () => Cached(path, sha256, contentType));
    }

    private static CachedFileResult Cached(string path, string sha256, string contentType) =>
        new CachedFileResult(TypedResults.PhysicalFile(path, contentType, entityTag: new EntityTagHeaderValue($"\"{sha256}\""), enableRangeProcessing: true));

    private async Task<bool> IsIntactAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        if (verified.ContainsKey(sha256))
        {
            return true;
        }

        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (digest == sha256)
            {
                verified[sha256] = true;
                return true;
            }
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        UpstreamLog.DownloadFailed(logger, Path.GetFileName(path), path, "the cached copy no longer matches its sha256; it is removed and fetched again");
        File.Delete(path);
        return false;
    }

    private async Task FetchAsync(UpstreamIndex index, string fileName, Uri url, long? size, UpstreamDownload download)
    {
        try
        {
            // Another download may have finished between the caller's look and this one's start.
            if (File.Exists(download.FinalPath))
            {
                download.Succeed();
                return;
            }

            Interlocked.Increment(ref fetches);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
            cancel.CancelAfter(timeout);
            using var response = await SendAsync(index, url, cancel.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new DownloadException($"the upstream answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var length = response.Content.Headers.ContentLength ?? size;
            if (size is not null && length != size)
            {
                throw new DownloadException($"the upstream sends {length} bytes, its page lists {size}");
            }

            cancel.CancelAfter(downloadTimeout);
            Directory.CreateDirectory(Path.GetDirectoryName(download.FinalPath)!);
            long total = 0;
            string digest;
            await using (var file = new FileStream(download.TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 1, FileOptions.Asynchronous))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancel.Token)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancel.Token);
                    hash.AppendData(buffer, 0, read);
                    total += read;
                    if (length is not null && total > length)
                    {
                        throw new DownloadException($"the upstream sent more than the {length} bytes it announced");
                    }
                }

                if (length is not null && total != length)
                {
                    throw new DownloadException($"the upstream sent {total} of {length} bytes");
                }

                digest = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (digest != download.Sha256)
            {
                throw new DownloadException($"the bytes have sha256 {digest}, the upstream's page lists {download.Sha256}");
            }

            File.Move(download.TemporaryPath, download.FinalPath, overwrite: true);
            verified[download.Sha256] = true;
            UpstreamLog.Cached(logger, fileName, url.GetLeftPart(UriPartial.Path), total);
            download.Succeed();
        }
        catch (Exception ex)
        {
            // This runs outside any request: whatever ends it must also release every reader waiting on it.
            var problem = ex switch
            {
                DownloadException => ex.Message,
                OperationCanceledException when lifetime.ApplicationStopping.IsCancellationRequested => "the server is stopping",
                OperationCanceledException => $"no answer within Upstream:Timeout ({timeout.TotalSeconds:0.###} s) or Upstream:DownloadTimeout",
                IOException when Hosting.DiskSpace.IsFull(ex) => $"{Hosting.DiskSpace.NoSpaceIn(Path.GetDirectoryName(download.FinalPath)!)}; an operator must free space",
                HttpRequestException or IOException => ex.Message,
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
            UpstreamLog.DownloadFailed(logger, fileName, url.GetLeftPart(UriPartial.Path), problem);
            metrics.UpstreamFile(Metrics.UpstreamResult.Error);
            download.Fail(problem);
        }
        finally
        {
            try
            {
                File.Delete(download.TemporaryPath);
            }
            catch (IOException)
            {
                // Left for the next start's clean-up (UpstreamLeftovers); the name never looks like a cache entry.
            }

            inflight.TryRemove(new KeyValuePair<string, UpstreamDownload>(download.Sha256, download));
        }
    }

    // Redirects are followed here, not by the handler, so that every hop is held to the allowed hosts; the index's
    // credentials go only to its own scheme, host and port.
    private async Task<HttpResponseMessage> SendAsync(UpstreamIndex index, Uri url, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var hop = 0; ; hop++)
        {
            if (hosts.Refusal(index, url) is { } refusal)
            {
                throw new DownloadException(hop == 0 ? refusal : $"it redirects to {url.GetLeftPart(UriPartial.Path)}, and {refusal}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = index.AuthorizationFor(url);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || hop == MaxRedirects)
            {
                throw new DownloadException(location is null
                    ? $"the upstream answered a redirect without a Location"
                    : $"the upstream redirected more than {MaxRedirects} times");
            }

            url = new Uri(url, location);
        }
    }

    private sealed class DownloadException(string message) : Exception(message);

    // Adds the long-lived caching header to a cached file (the URL names fixed bytes: the hash is checked).
    private sealed class CachedFileResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = ImmutableCaching;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
