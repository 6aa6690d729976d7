using PypiForge.Packaging;

namespace PypiForge.Server.Upstream;

/// <summary>One fresh allowance: a project (every release) or one exact release of it, let through the cooldown now. An
/// <c>Upstream:AllowFresh</c> entry, or one granted through the API (<see cref="FreshAllowance"/>, with its id, who, why
/// and expiry).</summary>
/// <param name="Project">The PEP 503 normalized name.</param>
/// <param name="Version">Null for every release of the project.</param>
/// <param name="Text">The entry as configured or granted, for logs.</param>
public sealed record AllowFreshEntry(string Project, PackageVersion? Version, string Text)
{
    public const string Configuration = "configuration";

    /// <summary>The API allowance's id; null for a configuration entry (it is removed from the configuration instead).</summary>
    public string? Id { get; init; }

    /// <summary>Who allowed it: the caller's user name, or <see cref="Configuration"/>.</summary>
    public string AllowedBy { get; init; } = Configuration;

    /// <summary>Why (required through the API; configuration entries carry none).</summary>
    public string? Reason { get; init; }

    /// <summary>When it was granted; null for a configuration entry.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>When it stops letting anything through; null: until revoked or removed.</summary>
    public DateTimeOffset? Expires { get; init; }

    public static AllowFreshEntry From(FreshAllowance allowance)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        return new AllowFreshEntry(allowance.Project, allowance.Version is null ? null : PackageVersion.Parse(allowance.Version), allowance.What)
        {
            Id = allowance.Id,
            AllowedBy = allowance.AllowedBy,
            Reason = allowance.Reason,
            Created = allowance.Created,
            Expires = allowance.Expires,
        };
    }

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
