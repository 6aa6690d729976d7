using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Upstream;

/// <summary>Upstream project pages: fetched once per TTL (revalidated with the ETag), one fetch per project at a time,
/// never waiting longer than <see cref="UpstreamOptions.Timeout"/>, and answered from the last good copy (memory or
/// disk) when the upstream is slow, down or talking nonsense.</summary>
public sealed class UpstreamPages(
    UpstreamPaths paths,
    UpstreamFileHosts hosts,
    IOptions<UpstreamOptions> options,
    IHttpClientFactory clients,
    TimeProvider time,
    Metrics.ServerMetrics metrics,
    ILogger<UpstreamPages> logger)
{
    public const string ClientName = "upstream-pages";
    private const int MaxPageBytes = 64 * 1024 * 1024;
    private const string Accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1";

    private readonly TimeSpan ttl = options.Value.PageTtl;
    private readonly TimeSpan timeout = options.Value.Timeout;
    private readonly ConcurrentDictionary<string, UpstreamProject> known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<UpstreamLookup>>> inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, string Problem)> failing = new(StringComparer.Ordinal);

    /// <summary>The project as the upstreams list it. <paramref name="anyAge"/> accepts a page past its TTL (downloads:
    /// files are addressed by hash, so an old page still names the right bytes).</summary>
    public async Task<UpstreamLookup> GetAsync(string key, bool anyAge, CancellationToken cancellationToken)
    {
        var have = Known(key);
        var now = time.GetUtcNow();
        if (have is not null && ((anyAge && have.Found) || now - have.FetchedAt < ttl))
        {
            metrics.UpstreamPage(Metrics.UpstreamResult.Hit);
            return new UpstreamLookup(have, null);
        }

        // Right after a failure, answer at once from what is here instead of making every request wait for the timeout.
        if (failing.TryGetValue(key, out var failure) && now < failure.Until)
        {
            metrics.UpstreamPage(Metrics.UpstreamResult.Error);
            return have is { Found: true } ? new UpstreamLookup(have, null) : new UpstreamLookup(null, failure.Problem);
        }

        var fetch = inflight.GetOrAdd(key, k => new Lazy<Task<UpstreamLookup>>(() => RefreshAsync(k, have)));
        _ = fetch.Value.ContinueWith(
            _ => inflight.TryRemove(new KeyValuePair<string, Lazy<Task<UpstreamLookup>>>(key, fetch)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await fetch.Value.WaitAsync(cancellationToken);
    }

    /// <summary>The page last seen, without asking anyone (may be stale, or null).</summary>
    public UpstreamProject? Known(string key)
    {
        if (known.TryGetValue(key, out var project))
        {
            return project;
        }

        var loaded = Load(key);
        return loaded is null ? null : known.GetOrAdd(key, loaded);
    }

    private async Task<UpstreamLookup> RefreshAsync(string key, UpstreamProject? have)
    {
        // The fetch belongs to no single request: a client that gives up does not cancel it for the others.
        await Task.Yield();
        using var deadline = new CancellationTokenSource(timeout, time);
        var problems = new List<string>();
        var client = clients.CreateClient(ClientName);
        foreach (var index in paths.Indexes)
        {
            var uri = index.ProjectUri(key);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("Accept", Accept);
                request.Headers.Authorization = index.Authorization;
                var conditional = have is { Found: true, ETag: not null } && ReferenceEquals(have.Source, index);
                if (conditional)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", have!.ETag);
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (response.StatusCode == HttpStatusCode.NotModified && conditional)
                {
                    metrics.UpstreamPage(Metrics.UpstreamResult.Miss);
                    return Store(have!.Revalidated(time.GetUtcNow()), persist: false);
                }

                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    problems.Add($"{index} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                    continue;
                }

                var body = await ReadLimitedAsync(response.Content, deadline.Token);
                var page = UpstreamPageParser.Parse(key, response.RequestMessage?.RequestUri ?? uri, response.Content.Headers.ContentType?.MediaType, body);
                var project = new UpstreamProject(key, index, response.Headers.ETag?.ToString(), time.GetUtcNow(), hosts.Listing(key, index, page.Files, page.Status));
                metrics.UpstreamPage(Metrics.UpstreamResult.Miss);
                return Store(project, persist: true);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                problems.Add($"{index} did not answer within {timeout.TotalSeconds:0.###} s (Upstream:Timeout)");
                break;
            }
            catch (HttpRequestException ex)
            {
                problems.Add($"{index}: {ex.Message}");
            }
            catch (Exception ex) when (ex is UpstreamPageParser.InvalidPageException or RegexMatchTimeoutException or InvalidDataException)
            {
                problems.Add($"{index} served something that is not a simple index page: {ex.Message}");
            }
        }

        metrics.UpstreamPage(problems.Count == 0 ? Metrics.UpstreamResult.Miss : Metrics.UpstreamResult.Error);
        if (problems.Count == 0)
        {
            // Every upstream says "no such project": remembered for the TTL like a page.
            failing.TryRemove(key, out _);
            return Store(new UpstreamProject(key, null, null, time.GetUtcNow(), UpstreamListing.Empty), persist: false);
        }

        var problem = string.Join("; ", problems);
        failing[key] = (time.GetUtcNow() + TimeSpan.FromTicks(Math.Min(ttl.Ticks, TimeSpan.FromSeconds(30).Ticks)), problem);
        if (have is { Found: true })
        {
            UpstreamLog.ServingStale(logger, have.Source!.ToString(), key, problem, have.FetchedAt);
            return new UpstreamLookup(have, null);
        }

        UpstreamLog.Unavailable(logger, key, problem);
        return new UpstreamLookup(null, problem);
    }

    private UpstreamLookup Store(UpstreamProject project, bool persist)
    {
        failing.TryRemove(project.Key, out _);
        known[project.Key] = project;
        if (persist)
        {
            Save(project);
        }

        return new UpstreamLookup(project, null);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxPageBytes)
        {
            throw new InvalidDataException($"the page is larger than {MaxPageBytes} bytes");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxPageBytes)
            {
                throw new InvalidDataException($"the page is larger than {MaxPageBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private void Save(UpstreamProject project)
    {
        var path = paths.PagePath(project.Key);
        var temporary = path + $".{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(paths.PagesDirectory);
            var page = new PersistedPage(project.Source!.ToString(), project.ETag, project.FetchedAt, [.. project.Listing.All], project.Listing.Status);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(page, UpstreamJsonContext.Default.PersistedPage));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpstreamLog.SaveFailed(logger, path, ex.Message);
            File.Delete(temporary);
        }
    }

    private UpstreamProject? Load(string key)
    {
        try
        {
            var path = paths.PagePath(key);
            if (!File.Exists(path))
            {
                return null;
            }

            var page = JsonSerializer.Deserialize(File.ReadAllBytes(path), UpstreamJsonContext.Default.PersistedPage);
            var index = paths.Indexes.FirstOrDefault(i => i.ToString() == page?.Index);
            return page is null || index is null
                ? null
                : new UpstreamProject(key, index, page.ETag, page.FetchedAt, hosts.Listing(key, index, [.. page.Files.Where(static f => UpstreamPageParser.IsSha256(f.Sha256))], page.Status));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
