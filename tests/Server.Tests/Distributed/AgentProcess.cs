using System.Diagnostics;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>A remote agent run as its own process (<c>dotnet PypiForge.Agent.dll --server … --hangfire …</c>).</summary>
public sealed class AgentProcess : DotnetProcess
{
    private AgentProcess(Process process)
        : base(process)
    {
    }

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "PypiForge.Agent.dll");

    public static AgentProcess Start(IEnumerable<string> args, string workDirectory) =>
        new(Launch(AgentDll, workDirectory, args, new Dictionary<string, string>
        {
            // The agent's own output as plain lines, so tests can tell which agent built what.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        }));
}
