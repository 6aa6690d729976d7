using PypiForge.Packaging;

namespace PypiForge.Server.Builds;

/// <summary>Whether a requirement can be built for a target's Python at all: it cannot when no release the index offers
/// that matches the requirement (pre-releases as pip takes them) has a Requires-Python admitting that Python. Anything
/// this cannot judge (a marker, a project the index does not have, no matching release at all) is left to pip.</summary>
internal static class Applicability
{
    /// <summary>Why <paramref name="python"/> cannot build <paramref name="requirement"/>, e.g. "Jinja2 3.1.2 requires
    /// Python &gt;=3.7; cp27-cp27mu-linux_x86_64 is Python 2.7.18"; null when it may (or pip has to say).</summary>
    /// <param name="name">The project's name as the index shows it.</param>
    /// <param name="files">Every file the index offers pip for the project.</param>
    public static string? Excludes(Requirement requirement, bool prerelease, string name, IReadOnlyList<ReleaseFile> files, TargetPython python)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(python);
        // A marker may leave the requirement out on this Python altogether; pip evaluates it.
        if (requirement.Marker is not null || !VersionSpecifiers.TryParse(requirement.Specifier, out var specifier))
        {
            return null;
        }

        var releases = files
            .Select(static f => (File: f, Version: PackageVersion.TryParse(f.Version, out var v) ? v : null))
            .Where(x => x.Version is not null && specifier.Contains(x.Version))
            .GroupBy(static x => x.Version!)
            .Select(static g => (Version: g.Key, Files: g.Select(static x => x.File).ToList()))
            .ToList();
        // pip: pre-releases with --pre or a specifier naming one, and also when no final release matches.
        if (!prerelease && !specifier.NamesPrerelease && releases.Any(static r => !r.Version.IsPrerelease))
        {
            releases.RemoveAll(static r => r.Version.IsPrerelease);
        }

        // Yanked files count only when nothing else matches (PEP 592: pip takes them then, for a pinned version).
        var unyanked = releases.Select(static r => (r.Version, Files: r.Files.Where(static f => !f.Yanked).ToList())).Where(static r => r.Files.Count > 0).ToList();
        if (unyanked.Count > 0)
        {
            releases = unyanked;
        }

        if (releases.Count == 0 || releases.Any(r => r.Files.Any(f => Admits(f.RequiresPython, python))))
        {
            return null;
        }

        var newest = releases.MaxBy(static r => r.Version);
        var requires = newest.Files.Select(static f => f.RequiresPython).First(static r => !string.IsNullOrWhiteSpace(r))!.Trim();
        var shown = $"{name} {newest.Version.Original}";
        var pinned = releases.Count == 1 && specifier.Text.StartsWith("==", StringComparison.Ordinal);
        var matching = specifier.Text.Length == 0 ? string.Empty : $" matching {specifier.Text}";
        return pinned
            ? $"{shown} requires Python {requires}; {python.Target} is {python.Describe()}"
            : $"{shown} requires Python {requires}, and no release of {name}{matching} supports {python.Describe()}; {python.Target} is {python.Describe()}";
    }

    // No Requires-Python, or one pip cannot read (it ignores those), admits every Python.
    private static bool Admits(string? requiresPython, TargetPython python) =>
        string.IsNullOrWhiteSpace(requiresPython) || !VersionSpecifiers.TryParse(requiresPython.Trim(), out var specifier) || python.Admits(specifier);
}
