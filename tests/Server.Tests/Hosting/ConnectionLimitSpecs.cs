using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>Idle and silent connections cannot exhaust the server: the surplus is refused, silence is timed out, and
/// the server keeps answering (issue 10, item 3).</summary>
public sealed class ConnectionLimitSpecs
{
    [Fact]
    public async Task Connections_beyond_Limits_MaxConnections_are_refused_and_the_server_keeps_answering()
    {
        var work = TempDirectory.Create("connlimit");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false",
            "--fallback", "none", "--Limits:MaxConnections", "20"], port: port);
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);

        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 60; i++)
            {
                sockets.Add(await ConnectAsync(port));
            }

            // A refused connection is accepted and closed at once; give the server a moment to get through all 60.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var open = sockets.Where(static s => !IsClosed(s)).ToList();
            Assert.InRange(open.Count, 1, 20);

            // Degraded, not dead: a connection that got in is still served.
            Assert.StartsWith("HTTP/1.1 200", await GetHealthAsync(open[0]), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // ...and once the idle ones are gone, everyone is served again.
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(10)), server.Output);
        Assert.False(server.HasExited, server.Output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_that_sends_nothing_is_closed_within_Limits_RequestHeadersTimeout(bool grpcPort)
    {
        var work = TempDirectory.Create("silent");
        var port = ServerProcess.FreePort();
        var grpc = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Queue:EmbeddedAgent", "false", "--fallback", "none", "--Limits:RequestHeadersTimeout", "00:00:02"], port: port);
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);

        using var silent = await ConnectAsync(grpcPort ? grpc : port);
        var clock = Stopwatch.StartNew();
        Assert.True(await ClosedWithinAsync(silent, TimeSpan.FromSeconds(10)), "a silent connection was kept open for 10 s");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(10)), server.Output);
    }

    [Fact]
    public async Task A_request_head_that_never_ends_gets_408_within_Limits_RequestHeadersTimeout()
    {
        var work = TempDirectory.Create("slowhead");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false",
            "--fallback", "none", "--Limits:RequestHeadersTimeout", "00:00:02"], port: port);
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);

        using var slow = await ConnectAsync(port);
        await slow.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\n"), SocketFlags.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[256];
        var read = await slow.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);

        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        Assert.True(await ClosedWithinAsync(slow, TimeSpan.FromSeconds(5)));
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Readable with nothing to read means the server closed (or reset) it; looking does not disturb it.</summary>
    private static bool IsClosed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (IsClosed(socket))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return IsClosed(socket);
    }

    private static async Task<string> GetHealthAsync(Socket socket)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), SocketFlags.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
