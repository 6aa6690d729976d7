using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PypiForge.Agent.Tests.Support;

/// <summary>
/// An index on a free loopback port whose project pages (any project under /simple/) list one sdist, and whose file
/// downloads are answered with one HTTP status and an empty body, like a proxy in front of a restarting file host (503)
/// or a failing one (500). Stopped on dispose.
/// </summary>
public sealed class StatusIndex : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _requests;

    public StatusIndex(int status, string reason)
    {
        _listener.Start(backlog: 16);
        SimpleUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/simple/");
        var failure = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        _serving = ServeAsync(failure);
    }

    public Uri SimpleUrl { get; }

    /// <summary>How many downloads were answered with the status.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ServeAsync(byte[] failure)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    break;
                seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var path = seen.ToString().Split(' ', 3) is [_, var target, _] ? target : "/";
            if (path.StartsWith("/simple/", StringComparison.Ordinal))
            {
                var project = path.Trim('/').Split('/')[^1];
                var body = Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><body><a href=\"/files/{project}-1.0.tar.gz\">{project}-1.0.tar.gz</a></body></html>\n");
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
                continue;
            }

            await stream.WriteAsync(failure, _stop.Token);
            Interlocked.Increment(ref _requests);
        }
    }
}
