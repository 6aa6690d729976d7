using PypiForge.Packaging;

namespace PypiForge.Server.Upstream;

/// <summary>One <c>Upstream:AllowFresh</c> entry: a project (every release) or one exact release of it, let through the
/// cooldown now.</summary>
/// <param name="Project">The PEP 503 normalized name.</param>
/// <param name="Version">Null for every release of the project.</param>
/// <param name="Text">The entry as configured, for logs.</param>
public sealed record AllowFreshEntry(string Project, PackageVersion? Version, string Text)
{
    /// <summary>Whether this entry lets <paramref name="version"/> of <paramref name="project"/> through (PEP 440 equality,
    /// so <c>1.0</c> also matches <c>1.0.0</c>).</summary>
    public bool Covers(string project, string version) =>
        Project == project && (Version is null || (PackageVersion.TryParse(version, out var parsed) && parsed == Version));

    /// <summary>Returns null and the entry, or why <paramref name="text"/> is not one.</summary>
    public static string? TryParse(string text, out AllowFreshEntry? entry)
    {
        entry = null;
        var parts = text.Split("==", 2, StringSplitOptions.TrimEntries);
        if (parts[0].Length > ProjectName.MaxLength || !ProjectName.IsValid(parts[0]))
        {
            return $"'{parts[0]}' is not a valid project name";
        }

        PackageVersion? version = null;
        if (parts.Length == 2 && !PackageVersion.TryParse(parts[1], out version))
        {
            return $"'{parts[1]}' is not a PEP 440 version";
        }

        entry = new AllowFreshEntry(ProjectName.Normalize(parts[0]), version, text);
        return null;
    }
}
