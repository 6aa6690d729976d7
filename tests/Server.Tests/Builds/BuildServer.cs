using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.EndToEnd;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A real server with its embedded agent (real Hangfire server, real interpreters) and a gRPC client on its port.</summary>
public sealed class BuildServer : IAsyncDisposable
{
    private readonly GrpcChannel channel;

    private BuildServer(ServerHost host)
    {
        Host = host;
        channel = GrpcChannel.ForAddress(host.GrpcUri!);
        Client = new BuildService.BuildServiceClient(channel);
    }

    public ServerHost Host { get; }

    public BuildService.BuildServiceClient Client { get; }

    public GrpcChannel Channel => channel;

    public static string Cp311 => "cp311-cp311-linux_x86_64";

    public static string Cp310 => "cp310-cp310-linux_x86_64";

    /// <summary>Starts a server over a root holding the given files plus the build back-ends (setuptools, wheel) that
    /// isolated builds fetch from the index; builds with python3 and, when asked, pyenv's 3.10.</summary>
    public static Task<BuildServer> StartAsync(IEnumerable<string> files, bool withPython310 = false, params string[] extraArgs) =>
        StartAsync(files, null, withPython310, extraArgs);

    /// <summary>As above, for a server that needs credentials (<paramref name="headers"/>) to list its targets.</summary>
    public static async Task<BuildServer> StartAsync(IEnumerable<string> files, Metadata? headers, bool withPython310, params string[] extraArgs)
    {
        var root = TempDirectory.Create("build-root");
        foreach (var file in files.Concat(await PipServerFixture.BuildBackendWheelsAsync()))
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        List<string> args = ["--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", "python3", "--Agent:WorkerCount", "2", .. extraArgs];
        if (withPython310)
        {
            args.AddRange(["--Agent:Interpreters:1", PythonInterpreter.Pyenv("3.10").Path]);
        }

        var server = new BuildServer(await ServerHost.StartAsync(root, [.. args]));
        var expected = withPython310 ? 2 : 1;
        var ready = await ServerHost.EventuallyAsync(async () => (await server.Client.ListTargetsAsync(new ListTargetsRequest(), headers)).Targets.Count >= expected, TimeSpan.FromSeconds(120));
        Assert.True(ready, "the embedded agent did not register its targets: " + string.Join('\n', host(server).Logs.Messages()));
        return server;

        static ServerHost host(BuildServer s) => s.Host;
    }

    /// <summary>Polls GetBuild until the build has ended (bounded).</summary>
    public async Task<Build> WaitForEndAsync(string id, Metadata? headers = null, TimeSpan? within = null)
    {
        Build? build = null;
        var ended = await ServerHost.EventuallyAsync(async () =>
        {
            build = await Client.GetBuildAsync(new GetBuildRequest { Id = id }, headers);
            return build.State is BuildState.Succeeded or BuildState.Failed or BuildState.Cancelled;
        }, within ?? TimeSpan.FromMinutes(3));
        Assert.True(ended, "the build did not end in time: " + build);
        return build!;
    }

    public static async Task<RpcException> FailsAsync(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        await Host.DisposeAsync();
        TempDirectory.Delete(Host.Root);
    }
}
