using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Tests.Support;

/// <summary>Build sandboxes for tests: the real bubblewrap one (as agents run by default), or none, for the fake
/// interpreters of the process edge-case specs.</summary>
public static class Sandboxes
{
    public static BuildSandbox Bubblewrap(Action<AgentOptions>? configure = null)
    {
        var options = new AgentOptions();
        configure?.Invoke(options);
        return new BuildSandbox(Options.Create(options), NullLogger<BuildSandbox>.Instance);
    }

    public static BuildSandbox None() => Bubblewrap(static o => o.Sandbox = SandboxMode.None);

    public static PipWheelRunner Runner(BuildSandbox sandbox) => new(sandbox, NullLogger<PipWheelRunner>.Instance);

    public static TargetDiscovery Discovery(BuildSandbox sandbox) => new(sandbox, NullLogger<TargetDiscovery>.Instance);
}
