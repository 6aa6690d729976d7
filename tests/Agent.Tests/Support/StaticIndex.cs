using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CliWrap;

namespace PypiForge.Agent.Tests.Support;

/// <summary>
/// A PEP 503 simple index laid out on disk and served by <c>python -m http.server</c> (pyenv 3.11) on a
/// free loopback port: the smallest real index pip can install from. Stopped by pid on dispose.
/// </summary>
public sealed class StaticIndex : IAsyncDisposable
{
    private readonly TempDirectory _root = new("pypiforge-static-index-");
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private CommandTask<CommandResult>? _server;

    private StaticIndex()
    {
    }

    public Uri SimpleUrl { get; private set; } = null!;

    public int ProcessId => _server?.ProcessId ?? 0;

    /// <summary>Serves the given files, each under simple/&lt;project&gt;/ with its sha256.</summary>
    public static async Task<StaticIndex> StartAsync(IReadOnlyDictionary<string, string[]> filesByProject)
    {
        ArgumentNullException.ThrowIfNull(filesByProject);
        var index = new StaticIndex();
        try
        {
            index.Layout(filesByProject);
            await index.ServeAsync();
            return index;
        }
        catch
        {
            await index.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_server is not null)
        {
            try
            {
                await _server;
            }
            catch (OperationCanceledException)
            {
                // Killed by pid, as intended.
            }
        }

        _stop.Dispose();
        _root.Dispose();
    }

    private void Layout(IReadOnlyDictionary<string, string[]> filesByProject)
    {
        var files = Directory.CreateDirectory(_root.Combine("files")).FullName;
        foreach (var (project, paths) in filesByProject)
        {
            var links = new List<string>();
            foreach (var path in paths)
            {
                var name = Path.GetFileName(path);
                File.Copy(path, Path.Combine(files, name));
                var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
                links.Add($"<a href=\"../../files/{name}#sha256={sha256}\">{name}</a><br/>");
            }

            var page = Directory.CreateDirectory(_root.Combine("simple", project)).FullName;
            File.WriteAllText(Path.Combine(page, "index.html"), $"<!DOCTYPE html><html><body>{string.Join('\n', links)}</body></html>\n");
        }
    }

    private async Task ServeAsync()
    {
        var port = FreePort();
        _server = Cli.Wrap(Pythons.Pyenv("3.11"))
            .WithArguments(["-m", "http.server", "--bind", "127.0.0.1", "--directory", _root.Path, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithEnvironmentVariables(env => env.Set("PYTHONUNBUFFERED", "1"))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(_output.Enqueue))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(_output.Enqueue))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_stop.Token);
        SimpleUrl = new Uri($"http://127.0.0.1:{port}/simple/");

        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_server.Task.IsCompleted)
                throw new InvalidOperationException($"python -m http.server exited at once:\n{string.Join('\n', _output)}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"python -m http.server did not listen on port {port} within 10 s.");
    }

    /// <summary>A loopback port nothing listens on (connections to it are refused).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
