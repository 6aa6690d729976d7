using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.EndToEnd;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>A server process (embedded agent off) and remote agent processes, sharing a PostgreSQL schema of their own.
/// Short heartbeats and timeouts so that faults show within seconds.</summary>
public sealed class Cluster : IAsyncDisposable
{
    public const string HeartbeatInterval = "00:00:01";
    public const string AgentTimeout = "00:00:06";
    public const string InvisibilityTimeout = "00:00:10";
    private readonly List<AgentProcess> agents = [];
    private GrpcChannel? channel;

    private Cluster(string root)
    {
        Root = root;
        State = TempDirectory.Create("cluster-state");
        Work = TempDirectory.Create("cluster-work");
        HttpPort = ServerProcess.FreePort();
        GrpcPort = ServerProcess.FreePort();

        // Real credentials: once a token exists the server trusts no one unsigned, loopback included.
        var tokens = new PypiForge.Server.Auth.TokenStore(State, Microsoft.Extensions.Logging.Abstractions.NullLogger<PypiForge.Server.Auth.TokenStore>.Instance);
        AgentToken = tokens.Create("agent", PypiForge.Server.Auth.Permissions.Read | PypiForge.Server.Auth.Permissions.Agent, "remote agents").Secret;
        BuildToken = tokens.Create("requester", PypiForge.Server.Auth.Permissions.Read | PypiForge.Server.Auth.Permissions.Build, "requests builds").Secret;
        AdminToken = tokens.Create("tests", PypiForge.Server.Auth.Permissions.Admin, "test client").Secret;
    }

    /// <summary>The agents' token: read and agent.</summary>
    public string AgentToken { get; }

    /// <summary>A token with read and build: enough to request builds, not to report as an agent.</summary>
    public string BuildToken { get; }

    /// <summary>The test client's token (admin); the channel sends it on every call.</summary>
    public string AdminToken { get; }

    public string Root { get; }

    public string State { get; }

    public string Work { get; }

    public string Schema { get; } = TestPostgres.NewSchema();

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public ServerProcess? Server { get; private set; }

    public BuildService.BuildServiceClient Client { get; private set; } = null!;

    public GrpcChannel Channel => channel!;

    public IReadOnlyList<AgentProcess> Agents => agents;

    public static string Cp311 => "cp311-cp311-linux_x86_64";

    public static string Cp310 => "cp310-cp310-linux_x86_64";

    public static PythonInterpreter Python311 => PythonInterpreter.Pyenv("3.11");

    public static PythonInterpreter Python310 => PythonInterpreter.Pyenv("3.10");

    /// <summary>Queue settings both sides share.</summary>
    public string[] QueueArgs =>
    [
        "--Queue:Storage", "PostgreSql",
        "--Queue:ConnectionString", TestPostgres.ConnectionString,
        "--Queue:Schema", Schema,
        "--Queue:HeartbeatInterval", HeartbeatInterval,
        "--Queue:AgentTimeout", AgentTimeout,
        "--Queue:InvisibilityTimeout", InvisibilityTimeout,
        "--Queue:PollInterval", "00:00:00.500",
    ];

    /// <summary>A package folder with the given files and the build back-ends isolated builds fetch from the index; the server started.</summary>
    public static async Task<Cluster> StartAsync(IEnumerable<string> files)
    {
        var root = TempDirectory.Create("cluster-root");
        foreach (var file in files.Concat(await PipServerFixture.BuildBackendWheelsAsync()))
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        var cluster = new Cluster(root);
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>Starts (or restarts) the server process on the same ports, folders and schema.</summary>
    public async Task StartServerAsync()
    {
        Server = ServerProcess.Start(
            State,
            [
                "--urls", $"http://127.0.0.1:{HttpPort}", "--grpc-port", GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--root", Root, "--state-dir", State, "--Queue:EmbeddedAgent", "false", .. QueueArgs,
            ],
            port: HttpPort);
        Assert.True(await Server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), "the server did not start:\n" + Server.Output);
        channel?.Dispose();
        channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", new GrpcChannelOptions { HttpHandler = new BearerHandler(AdminToken) });
        Client = new BuildService.BuildServiceClient(channel);
    }

    /// <summary>SIGKILL of the server process (no graceful shutdown).</summary>
    public async Task KillServerAsync()
    {
        await Server!.DisposeAsync();
        Server = null;
    }

    public AgentProcess StartAgent(PythonInterpreter python, params string[] extraArgs) => StartAgentWithToken(python, AgentToken, extraArgs);

    /// <summary>An agent that signs its calls with <paramref name="token"/>.</summary>
    public AgentProcess StartAgentWithToken(PythonInterpreter python, string token, params string[] extraArgs)
    {
        var agent = AgentProcess.Start(
            [
                "--server", $"http://127.0.0.1:{GrpcPort}", "--token", token, "--hangfire", TestPostgres.ConnectionString,
                .. QueueArgs, "--Agent:Interpreters:0", python.Path, "--Agent:WorkerCount", "1", "--Agent:WorkDirectory", Work, .. extraArgs,
            ],
            Work);
        agents.Add(agent);
        return agent;
    }

    /// <summary>Waits (bounded) until ListTargets shows exactly these agents (by process id) for the target.</summary>
    public async Task WaitForAgentsAsync(string target, params AgentProcess[] serving)
    {
        Target? seen = null;
        var ok = await ServerHost.EventuallyAsync(async () =>
        {
            Assert.False(serving.Any(a => a.HasExited), "an agent exited:\n" + Logs());
            ListTargetsResponse response;
            try
            {
                response = await Client.ListTargetsAsync(new ListTargetsRequest());
            }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Unavailable)
            {
                return false;
            }

            seen = response.Targets.FirstOrDefault(t => t.Name == target);
            var ids = seen?.Agents.Select(a => a.Id).ToList() ?? [];
            return ids.Count == serving.Length && serving.All(agent => ids.Any(id => id.Contains($"-{agent.Id}", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(60));
        Assert.True(ok, $"ListTargets never showed agents {string.Join(", ", serving.Select(a => a.Id))} for {target}; last seen: {seen}\n{Logs()}");
    }

    public async Task<Build> WaitForEndAsync(string id, TimeSpan? within = null)
    {
        Build? build = null;
        var ended = await ServerHost.EventuallyAsync(async () =>
        {
            try
            {
                build = await Client.GetBuildAsync(new GetBuildRequest { Id = id });
            }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Unavailable)
            {
                return false;
            }

            return build.State is BuildState.Succeeded or BuildState.Failed or BuildState.Cancelled;
        }, within ?? TimeSpan.FromMinutes(3));
        Assert.True(ended, $"build {id} did not end in time: {build}\n{Logs()}");
        return build!;
    }

    /// <summary>Everything the processes printed, for failure messages.</summary>
    public string Logs() =>
        $"--- server ---\n{Tail(Server?.Output)}\n" + string.Join('\n', agents.Select(a => $"--- agent {a.Id} ---\n{Tail(a.Output)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        channel?.Dispose();
        TempDirectory.Delete(Root);
        TempDirectory.Delete(State);
        TempDirectory.Delete(Work);
    }

    private static string Tail(string? text) => string.Join('\n', (text ?? string.Empty).Split('\n').TakeLast(60));

    private sealed class BearerHandler(string token) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
