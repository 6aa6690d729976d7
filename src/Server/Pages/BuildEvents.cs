using System.Text.Json;
using System.Threading.Channels;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Pages;

/// <summary><c>GET /builds/&lt;id&gt;/events</c>: a build's changes as Server-Sent Events, fed by <see cref="BuildRecords.Watch"/>.
/// First a <c>state</c> event with each target's state and log tail, then <c>line</c> events and further <c>state</c>
/// events, and <c>end</c> when the build has ended, after which the response ends. Bounded: the watch buffers at most
/// its fixed number of changes (the oldest are dropped for a client that reads slower than the build writes), at most
/// <see cref="MaxStreams"/> streams are open at once (more get 503 with a reason), and a client that goes away is
/// unwatched at once.</summary>
public sealed class BuildEvents(BuildRecords records)
{
    public const int MaxStreams = 64;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private int open;

    public async Task<IResult> StreamAsync(string id, HttpContext context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref open) > MaxStreams)
        {
            Interlocked.Decrement(ref open);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many live logs open",
                detail: $"This server streams at most {MaxStreams} live build logs at once; reload the page later (the log so far is on the build's page).");
        }

        try
        {
            var changes = records.Watch(id);
            if (changes is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Build not found",
                    detail: $"No build with id '{id}'. /builds/ lists the builds this server knows.");
            }

            try
            {
                await WriteAsync(changes, context.Response, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            finally
            {
                records.Unwatch(id, changes);
            }

            return TypedResults.Empty;
        }
        finally
        {
            Interlocked.Decrement(ref open);
        }
    }

    private static async Task WriteAsync(ChannelReader<BuildChange> changes, HttpResponse response, CancellationToken cancellationToken)
    {
        PageResult.Secure(response);
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
        var first = true;
        await foreach (var change in changes.ReadAllAsync(cancellationToken))
        {
            if (change.Build is { } build)
            {
                // The first state carries each target's tail: the page replaces what it rendered, so no line falls between.
                var withTail = first;
                first = false;
                var state = new
                {
                    state = Names.Of(build.State),
                    targets = build.Targets.Select(t => new { name = t.Name, state = Names.Of(t.State), tail = withTail ? t.Tail : null }).ToList(),
                };
                await SendAsync(response, "state", JsonSerializer.Serialize(state, Json), cancellationToken);
            }
            else if (change.Line is { } line)
            {
                await SendAsync(response, "line", JsonSerializer.Serialize(new { target = line.Target, line = line.Line }, Json), cancellationToken);
            }
        }

        // The channel completes when the build has ended (its last state was sent just before).
        await SendAsync(response, "end", "{}", cancellationToken);
    }

    // JSON has no raw newlines, so one data line per event is enough.
    private static async Task SendAsync(HttpResponse response, string name, string data, CancellationToken cancellationToken)
    {
        await response.WriteAsync("event: " + name + "\ndata: " + data + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
