using System.Collections.Concurrent;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Building;

/// <summary>The targets this agent serves, discovered at start-up by running each configured interpreter.</summary>
public sealed class TargetRegistry
{
    private readonly ConcurrentDictionary<string, BuildTarget> targets = new(StringComparer.Ordinal);

    public IReadOnlyCollection<BuildTarget> All => [.. targets.Values.OrderBy(static t => t.Name, StringComparer.Ordinal)];

    /// <summary>Adds a target; false when another interpreter already serves the same tags (the first one is kept).</summary>
    public bool TryAdd(BuildTarget target) => targets.TryAdd(target.Name, target);

    public BuildTarget? Find(string name) => targets.GetValueOrDefault(name);
}
