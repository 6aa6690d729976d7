using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PypiForge.Server.Tests.Support;

/// <summary>
/// A loopback TCP port a test's setup.py connects to, to say "I started" and to learn whether to wait or go on. A build
/// runs in a sandbox that cannot write to the host, but shares its network (as pip needs), so this is how a test and
/// the build code it planted talk. Stopped on dispose.
/// </summary>
public sealed class BuildGate : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private int connections;
    private volatile string answer;

    public BuildGate(string answer = "go")
    {
        this.answer = answer;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>How many times build code has knocked.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>What the next knock is told ("go" or "wait").</summary>
    public string Answer
    {
        get => answer;
        set => answer = value;
    }

    /// <summary>Python that knocks and returns the answer as a str (for a setup.py; standard library only).</summary>
    public string Knock() =>
        $"__import__('socket').create_connection(('127.0.0.1', {Port}), timeout=30).recv(16).decode()";

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(answer), stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
            {
                if (stop.IsCancellationRequested)
                    return;
            }
        }
    }
}
