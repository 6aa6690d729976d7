using PypiForge.Packaging;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>What a project page shows: the local files alone, or local and upstream files merged.</summary>
/// <param name="Key">The PEP 503 normalized name.</param>
/// <param name="Versions">Distinct versions, PEP 440 order.</param>
/// <param name="Status">The PEP 792 status marker to show, or null for none (active).</param>
public sealed record IndexProject(string Key, string DisplayName, IReadOnlyList<string> Versions, IReadOnlyList<IndexFile> Files, ProjectStatus? Status = null)
{
    /// <summary>A local project's page; a quarantined one lists no files and no versions (PEP 792), only its status.</summary>
    public static IndexProject From(ProjectEntry entry, LocalProjectStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return status is { IsQuarantined: true }
            ? new(entry.Key, entry.DisplayName, [], [], status.Marker)
            : new(entry.Key, entry.DisplayName, entry.Versions, [.. entry.Files.Select(IndexFile.From)], status?.Marker);
    }

    /// <summary>Distinct versions in PEP 440 order; unparseable legacy versions first, by text (as <see cref="ProjectEntry"/> orders them).</summary>
    public static IReadOnlyList<string> SortVersions(IEnumerable<string> versions)
    {
        var distinct = new Dictionary<string, PackageVersion?>(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            if (!distinct.ContainsKey(version))
            {
                distinct[version] = PackageVersion.TryParse(version, out var v) ? v : null;
            }
        }

        return [.. distinct
            .OrderBy(static kv => kv.Value is not null)
            .ThenBy(static kv => kv.Value)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .Select(static kv => kv.Key)];
    }
}
