using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PypiForge.Tests.Support;

/// <summary>The built server run as its own process (<c>dotnet PypiForge.Server.dll</c>), as an operator starts it.</summary>
public sealed class ServerProcess : DotnetProcess
{
    private ServerProcess(Process process, int port)
        : base(process) => Port = port;

    public int Port { get; }

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "PypiForge.Server.dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server; <paramref name="args"/> are its command line. Environment: the test's, plus <paramref name="env"/>.</summary>
    public static ServerProcess Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int? port = null) =>
        new(Launch(ServerDll, workingDirectory, args, env), port ?? 0);

    /// <summary>Polls <c>/health</c> until it answers 200 or the process dies; bounded.</summary>
    public async Task<bool> WaitUntilHealthyAsync(TimeSpan within)
    {
        // Each try is bounded on its own: on a loaded machine one /health call may take seconds, which is a retry, not a failure.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // This try timed out; the deadline decides.
            }

            await Task.Delay(100);
        }

        return false;
    }
}
