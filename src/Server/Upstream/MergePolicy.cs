using System.Runtime.CompilerServices;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Upstream;

/// <summary>The dependency-confusion rule. A project served here is merged with the upstream project of the same
/// name only when every local file of it is a wheel this server built (builds of upstream projects), or when it is
/// listed in <c>Upstream:AllowMerge</c>. Any uploaded or dropped-in file makes the project private: its page shows
/// the local files only, and no upstream file of that name is served.</summary>
public sealed class MergePolicy(UpstreamPaths paths, BuiltWheelLedger ledger)
{
    // Entries are immutable and replaced on every change, so the answer is computed once per entry.
    private readonly ConditionalWeakTable<ProjectEntry, StrongBox<bool>> answers = [];

    public bool MayMerge(ProjectEntry? local) =>
        local is null || answers.GetValue(local, entry => new StrongBox<bool>(Decide(entry))).Value;

    private bool Decide(ProjectEntry entry) =>
        paths.AllowMerge.Contains(entry.Key) || entry.Files.All(f => ledger.Contains(f.FileName, f.Sha256));
}
