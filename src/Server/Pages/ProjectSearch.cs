using System.Collections.Immutable;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Pages;

/// <summary>Project names matching a query, from the catalog snapshot in memory: names that start with it first, then
/// names that contain it, each in name order. The query is normalized like a project name (case, and runs of '-', '_',
/// '.'), so "Zope.Interface" finds "zope-interface".</summary>
internal static class ProjectSearch
{
    public const int MaxQueryLength = 200;
    public const int MaxResults = 100;

    public static (IReadOnlyList<ProjectEntry> Found, bool More) Find(ImmutableSortedDictionary<string, ProjectEntry> projects, string query)
    {
        var needle = Normalize(query);
        var prefix = new List<ProjectEntry>();
        var inside = new List<ProjectEntry>();
        var total = 0;
        foreach (var (key, entry) in projects)
        {
            if (key.StartsWith(needle, StringComparison.Ordinal))
            {
                total++;
                if (prefix.Count < MaxResults)
                {
                    prefix.Add(entry);
                }
            }
            else if (key.Contains(needle, StringComparison.Ordinal))
            {
                total++;
                if (inside.Count < MaxResults)
                {
                    inside.Add(entry);
                }
            }
        }

        return ([.. prefix.Concat(inside).Take(MaxResults)], total > MaxResults);
    }

    /// <summary>PEP 503 normalization of a partial name (no validity check: a fragment like "-core" is a fine query).</summary>
    public static string Normalize(string query)
    {
        var text = new System.Text.StringBuilder(query.Length);
        foreach (var c in query.Trim())
        {
            var d = c is '_' or '.' ? '-' : char.ToLowerInvariant(c);
            if (d != '-' || text.Length == 0 || text[^1] != '-')
            {
                text.Append(d);
            }
        }

        return text.ToString();
    }
}
