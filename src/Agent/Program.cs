using PypiForge.Agent.Remote;
using PypiForge.Agent.Sandbox;

namespace PypiForge.Agent;

/// <summary>The agent executable: a remote build agent (<see cref="RemoteAgent"/> has its command line), or the
/// operator's sandbox-run tool. A named class, not top-level statements: the server and its tests see this assembly's
/// internals, where a second global Program would make theirs ambiguous.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // An operator tool, not the agent: runs one command in the build sandbox (Sandbox/SandboxRunCommand.cs).
        if (args is [SandboxRunCommand.Verb, ..])
            return await SandboxRunCommand.RunAsync(args[1..]);

        // --help, --version; a switch no key knows is refused.
        if (await RemoteAgent.AnswerAsync(args) is { } answered)
            return answered;

        var builder = RemoteAgent.CreateBuilder(args);
        builder.Services.AddRemoteBuildAgent(builder.Configuration);

        using var host = builder.Build();
        return await RemoteAgent.RunAsync(host, args);
    }
}
