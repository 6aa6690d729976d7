using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Compares snapshots by content (records compare their lists by reference).</summary>
internal sealed class BuildSnapshotComparer : IEqualityComparer<BuildSnapshot?>
{
    public static BuildSnapshotComparer Instance { get; } = new();

    public bool Equals(BuildSnapshot? x, BuildSnapshot? y) => x is null || y is null ? x == y : Text(x) == Text(y);

    public int GetHashCode(BuildSnapshot obj) => Text(obj).GetHashCode(StringComparison.Ordinal);

    private static string Text(BuildSnapshot build) =>
        $"{build with { Requirements = [], Targets = [] }} [{string.Join(' ', build.Requirements)}] "
        + string.Join(" | ", build.Targets.Select(static t => $"{t with { Wheels = [], Tail = [] }} [{string.Join(' ', t.Wheels)}] [{string.Join('\n', t.Tail)}]"));
}
