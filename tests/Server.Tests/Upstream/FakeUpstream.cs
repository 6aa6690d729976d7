using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>A small index on real Kestrel (loopback, free port) that a test fully controls: it counts requests,
/// honours If-None-Match, and can be told to fail, talk nonsense, hang, hold or cut short its files, list files at other
/// URLs and redirect. Files carry an <c>upload-time</c> (2024-01-02 unless set) and a project may carry a PEP 792 status.</summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, List<(string FileName, byte[] Bytes, string? Url)>> projects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> redirects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset?> uploadTimes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Status, string? Reason)> statuses = new(StringComparer.Ordinal);

    /// <summary>What a file's page entry says when no time was set for it.</summary>
    public static readonly DateTimeOffset DefaultUploadTime = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private FakeUpstream(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    public enum Behaviour
    {
        Normal,
        ServerError,
        Garbage,
        Hang,
    }

    public Uri BaseUri { get; }

    public string IndexUrl => new Uri(BaseUri, "simple/").ToString();

    /// <summary>Requests by path (pages and files).</summary>
    public ConcurrentDictionary<string, int> Hits { get; } = new(StringComparer.Ordinal);

    private int notModified;

    /// <summary>Page requests answered 304.</summary>
    public int NotModified => Volatile.Read(ref notModified);

    public Behaviour Pages { get; set; } = Behaviour.Normal;

    /// <summary>When set, a file response sends its first half and waits for this before the rest.</summary>
    public TaskCompletionSource? HoldFiles { get; set; }

    /// <summary>When true, a file response sends its first half, then drops the connection.</summary>
    public bool CutFilesShort { get; set; }

    /// <summary>When true, pages are PEP 503 HTML whatever the client asks for.</summary>
    public bool HtmlOnly { get; set; }

    /// <summary>When true, files are served with other bytes than the page's hash says.</summary>
    public bool CorruptFiles { get; set; }

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeUpstream(app, new Uri(address + "/"));
        return self;
    }

    public byte[] AddFile(string project, string fileName, byte[]? bytes = null)
    {
        bytes ??= Encoding.UTF8.GetBytes($"the bytes of {fileName} " + new string('x', 200_000));
        projects.GetOrAdd(project, _ => []).Add((fileName, bytes, null));
        files[fileName] = bytes;
        return bytes;
    }

    /// <summary>Lists a file on the project's page at <paramref name="url"/> (anywhere), with the sha256 of <paramref name="bytes"/>.</summary>
    public void AddLink(string project, string fileName, string url, byte[] bytes) =>
        projects.GetOrAdd(project, _ => []).Add((fileName, bytes, url));

    /// <summary>The <c>upload-time</c> the JSON page gives <paramref name="fileName"/>; null leaves it out.</summary>
    public void SetUploadTime(string fileName, DateTimeOffset? uploaded) => uploadTimes[fileName] = uploaded;

    /// <summary>Marks the project with a PEP 792 status in both page formats.</summary>
    public void SetStatus(string project, string status, string? reason) => statuses[project] = (status, reason);

    /// <summary>Answers <paramref name="path"/> (e.g. <c>/moved/x.whl</c>) with a 302 to <paramref name="location"/>.</summary>
    public void Redirect(string path, string location) => redirects[path] = location;

    public int HitsOn(string path) => Hits.GetValueOrDefault(path);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Hits.AddOrUpdate(path, 1, static (_, n) => n + 1);
        if (redirects.TryGetValue(path, out var location))
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = location;
        }
        else if (path.StartsWith("/simple/", StringComparison.Ordinal))
        {
            await PageAsync(context, path["/simple/".Length..].TrimEnd('/'));
        }
        else if (path.StartsWith("/files/", StringComparison.Ordinal) && files.TryGetValue(path["/files/".Length..], out var bytes))
        {
            await FileAsync(context, bytes);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task PageAsync(HttpContext context, string project)
    {
        switch (Pages)
        {
            case Behaviour.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("upstream is broken");
                return;
            case Behaviour.Garbage:
                context.Response.ContentType = "application/vnd.pypi.simple.v1+json";
                await context.Response.WriteAsync("{\"files\": [ this is not json");
                return;
            case Behaviour.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
                return;
        }

        if (!projects.TryGetValue(project, out var list))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var marked = statuses.TryGetValue(project, out var status);
        if (HtmlOnly)
        {
            var html = new StringBuilder("<!DOCTYPE html>\n<html><head>\n");
            if (marked)
            {
                html.Append($"<meta name=\"pypi:repository-version\" content=\"1.4\">\n<meta name=\"pypi:project-status\" content=\"{status.Status}\">\n");
                if (status.Reason is not null)
                {
                    html.Append($"<meta name=\"pypi:project-status-reason\" content=\"{System.Net.WebUtility.HtmlEncode(status.Reason)}\">\n");
                }
            }

            html.Append("</head><body>\n");
            foreach (var (fileName, bytes, url) in list.ToArray())
            {
                html.Append($"<a href=\"{url ?? "../../files/" + fileName}#sha256={Sha256(bytes)}\" data-requires-python=\"&gt;=3.7\">{fileName}</a><br/>\n");
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html.Append("</body></html>\n").ToString());
            return;
        }

        var page = new Dictionary<string, object>
        {
            ["meta"] = new Dictionary<string, string> { ["api-version"] = marked ? "1.4" : "1.1" },
            ["name"] = project,
            ["files"] = list.ToArray().Select(f =>
            {
                var entry = new Dictionary<string, object>
                {
                    ["filename"] = f.FileName,
                    ["url"] = f.Url ?? "../../files/" + f.FileName,
                    ["hashes"] = new Dictionary<string, string> { ["sha256"] = Sha256(f.Bytes) },
                    ["requires-python"] = ">=3.7",
                    ["yanked"] = f.FileName.Contains("yanked", StringComparison.Ordinal) ? "broken" : false,
                    ["size"] = f.Bytes.Length,
                };
                if (uploadTimes.GetValueOrDefault(f.FileName, DefaultUploadTime) is { } uploaded)
                {
                    entry["upload-time"] = uploaded.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                }

                return entry;
            }).ToArray(),
        };
        if (marked)
        {
            page["project-status"] = status.Reason is null
                ? new Dictionary<string, string> { ["status"] = status.Status }
                : new Dictionary<string, string> { ["status"] = status.Status, ["reason"] = status.Reason };
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(page);
        var etag = "\"" + Sha256(body)[..16] + "\"";
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            Interlocked.Increment(ref notModified);
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.Headers.ETag = etag;
        context.Response.ContentType = "application/vnd.pypi.simple.v1+json";
        await context.Response.Body.WriteAsync(body);
    }

    private async Task FileAsync(HttpContext context, byte[] bytes)
    {
        if (CorruptFiles)
        {
            bytes = [.. bytes];
            bytes[^1] ^= 0xFF;
        }

        context.Response.ContentLength = bytes.Length;
        context.Response.ContentType = "application/octet-stream";
        var half = bytes.Length / 2;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, half));
        await context.Response.Body.FlushAsync();
        if (CutFilesShort)
        {
            context.Abort();
            return;
        }

        if (HoldFiles is { } hold)
        {
            await hold.Task;
        }

        await context.Response.Body.WriteAsync(bytes.AsMemory(half));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
