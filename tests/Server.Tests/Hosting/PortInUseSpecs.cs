using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>A port another program holds is an operator's problem, reported as a sentence with the key to change
/// (issue 10, item 12).</summary>
public sealed class PortInUseSpecs
{
    [Theory]
    [InlineData("http", "Urls, --urls")]
    [InlineData("grpc", "Grpc:Port, --grpc-port")]
    public async Task A_port_already_in_use_stops_start_up_with_the_port_and_its_key(string which, string key)
    {
        var work = TempDirectory.Create("portinuse");
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var free = ServerProcess.FreePort();
        var (http, grpc) = which == "http" ? (taken, 0) : (free, taken);

        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{http}", "--grpc-port", grpc.ToString(CultureInfo.InvariantCulture),
            "--Queue:EmbeddedAgent", "false", "--fallback", "none"], port: http);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started on a port in use");
        Assert.Equal(2, server.ExitCode);
        Assert.Contains($"port {taken} ({key})", server.Output, StringComparison.Ordinal);
        Assert.Contains("already in use", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal); // a message for a person, not a stack trace
    }

    [Fact]
    public async Task The_gRPC_port_cannot_be_the_index_port()
    {
        var work = TempDirectory.Create("sameport");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", port.ToString(CultureInfo.InvariantCulture)], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started with one port for both");
        Assert.Equal(2, server.ExitCode);
        Assert.Contains("Grpc:Port (--grpc-port)", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
    }
}
