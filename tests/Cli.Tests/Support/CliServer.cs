using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace PypiForge.Cli.Tests.Support;

/// <summary>One real server for the CLI's specs, run as its own process (<c>dotnet PypiForge.Server.dll</c>) on free
/// loopback ports with its embedded agent building with python3 in the sandbox. It holds an sdist to build
/// (pf-pure 1.0), wheels to yank and delete, the build back-ends, and two tokens made beforehand with the server's own
/// <c>token create</c>: an admin one and a read-only one (so loopback is not trusted and every call signs in).</summary>
public sealed class CliServer : IAsyncLifetime
{
    private static readonly string[] Served =
    [
        "pf-pure-1.0.tar.gz",
        "pf_pure-2.0-py3-none-any.whl",
        "pf_dep-1.0-py2.py3-none-any.whl",
        "Dotted.Name_Pkg-0.1-py3-none-any.whl",
        "pf-cext-1.0.tar.gz",
    ];

    private ServerProcess? server;

    public string Root { get; private set; } = string.Empty;

    /// <summary>The gRPC URL (what --server takes).</summary>
    public string GrpcUrl { get; private set; } = string.Empty;

    /// <summary>The index's HTTP URL (not a gRPC endpoint).</summary>
    public string HttpUrl { get; private set; } = string.Empty;

    public string AdminToken { get; private set; } = string.Empty;

    public string ReadToken { get; private set; } = string.Empty;

    /// <summary>The one live target (python3's, e.g. cp311-cp311-linux_x86_64).</summary>
    public string Target { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Root = TempDirectory.Create("cli-root");
        foreach (var file in Served.Select(DistFixtures.Path).Concat(await BuildBackendWheels.FindAsync()))
        {
            File.Copy(file, Path.Combine(Root, Path.GetFileName(file)));
        }

        AdminToken = await ServerTokenAsync("admin", "admin");
        ReadToken = await ServerTokenAsync("reader", "read");
        var httpPort = ServerProcess.FreePort();
        var grpcPort = ServerProcess.FreePort();
        HttpUrl = $"http://127.0.0.1:{httpPort}";
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
        server = ServerProcess.Start(Root,
        [
            "--urls", HttpUrl, "--grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--root", Root,
            "--fallback", "none", "--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", "python3", "--Agent:WorkerCount", "2",
        ], port: httpPort);
        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)), "the server did not start:\n" + server.Output);

        // The agent finds python3 in the sandbox shortly after start; the CLI itself is asked, as a script would.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Target.Length == 0 && DateTime.UtcNow < deadline)
        {
            var targets = await RunAsync("targets", "--json");
            Assert.True(targets.ExitCode == 0, targets + "\n" + server.Output);
            using var json = JsonDocument.Parse(targets.StdOut);
            if (json.RootElement.GetProperty("targets").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
            {
                Target = first.GetProperty("name").GetString()!;
            }
            else
            {
                await Task.Delay(250);
            }
        }

        Assert.True(Target.Length > 0, "the embedded agent registered no target:\n" + server.Output);
    }

    /// <summary>pypiforge with this server and the admin token in the environment (PYPIFORGE_SERVER, PYPIFORGE_TOKEN).</summary>
    public Task<ProcessResult> RunAsync(params string[] args) => PypiforgeCli.RunAsync(args, Environment());

    public Task<ProcessResult> RunInTerminalAsync(string[] args, string typed = "", bool noColor = false)
    {
        var env = Environment();
        if (noColor)
        {
            env["NO_COLOR"] = "1";
        }

        return PypiforgeCli.RunInTerminalAsync(args, env, typed);
    }

    public Dictionary<string, string?> Environment() => new() { ["PYPIFORGE_SERVER"] = GrpcUrl, ["PYPIFORGE_TOKEN"] = AdminToken };

    /// <summary>What the server process logged, for assertion messages.</summary>
    public string ServerOutput => server?.Output ?? string.Empty;

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        TempDirectory.Delete(Root);
    }

    private async Task<string> ServerTokenAsync(string user, string permissions)
    {
        var created = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([ServerProcess.ServerDll, "token", "create", "--user", user, "--permissions", permissions, "--root", Root])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(created.ExitCode == 0, created.StandardError);
        return created.StandardOutput.Trim();
    }
}

[CollectionDefinition(Name)]
public sealed class CliServerGroup : ICollectionFixture<CliServer>
{
    public const string Name = "pypiforge against a real server";
}
