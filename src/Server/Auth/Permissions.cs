namespace PypiForge.Server.Auth;

/// <summary>What a caller may do. Admin includes every other permission.</summary>
[Flags]
public enum Permissions
{
    None = 0,

    /// <summary>List projects, read index pages, download files.</summary>
    Read = 1,

    /// <summary>Upload files (twine), yank and un-yank them.</summary>
    Upload = 2,

    /// <summary>Request and cancel builds.</summary>
    Build = 4,

    /// <summary>Delete files, manage tokens, open the dashboard.</summary>
    Admin = 8,

    /// <summary>Report as a remote build agent (AgentService): take a queued target, send its log, wheels and outcome.
    /// Separate from <see cref="Build"/>: whoever may request a build must not be able to publish or forge its result.</summary>
    Agent = 16,

    All = Read | Upload | Build | Admin | Agent,
}

/// <summary>Permission names as they appear in configuration, claims and tokens: "read", "upload", "build", "agent", "admin".</summary>
public static class PermissionNames
{
    public const string Read = "read";
    public const string Upload = "upload";
    public const string Build = "build";
    public const string Agent = "agent";
    public const string Admin = "admin";

    private static readonly (string Name, Permissions Value)[] All =
    [
        (Read, Permissions.Read), (Upload, Permissions.Upload), (Build, Permissions.Build), (Agent, Permissions.Agent),
        (Admin, Permissions.Admin),
    ];

    /// <summary>Parses "read,upload" (commas or spaces, any case). "admin" alone grants everything.</summary>
    public static bool TryParse(string? text, out Permissions permissions, out string? unknown)
    {
        permissions = Permissions.None;
        unknown = null;
        foreach (var part in (text ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Array.Find(All, p => string.Equals(p.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                unknown = part;
                return false;
            }

            permissions |= match.Value;
        }

        if (permissions.HasFlag(Permissions.Admin))
        {
            permissions = Permissions.All;
        }

        return true;
    }

    public static string Format(Permissions permissions) =>
        permissions == Permissions.None
            ? "none"
            : string.Join(",", All.Where(p => permissions.HasFlag(p.Value)).Select(p => p.Name));

    public static IEnumerable<string> Names(Permissions permissions) =>
        All.Where(p => permissions.HasFlag(p.Value)).Select(p => p.Name);

    public static Permissions FromName(string name) =>
        Array.Find(All, p => p.Name == name).Value;
}
