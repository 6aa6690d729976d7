using PypiForge.Protos.V1;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Live targets as a test says they are, without a Hangfire server.</summary>
public sealed class FixedLiveTargets(params string[] names) : ILiveTargets
{
    public IReadOnlyList<Target> List(Func<string, long> running) =>
        [.. names.Select(name => new Target { Name = name, Running = running(name) })];

    public IReadOnlyList<string> Names() => names;
}
