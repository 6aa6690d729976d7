using System.Net;
using System.Net.Sockets;

namespace PypiForge.Agent.Tests.Support;

/// <summary>
/// An "index" that accepts connections (the kernel completes them from the backlog) and never
/// answers: pip waits on it until its socket timeout, like on a hung upstream.
/// </summary>
public sealed class SilentIndex : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SilentIndex()
    {
        _listener.Start(backlog: 16);
        SimpleUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/simple/");
    }

    public Uri SimpleUrl { get; }

    public void Dispose() => _listener.Dispose();
}
