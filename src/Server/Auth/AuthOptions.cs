namespace PypiForge.Server.Auth;

/// <summary>Who may do what. Bound from the "Auth" configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>An htpasswd file (bcrypt, apr1 or SHA-1 entries, as Apache's <c>htpasswd</c> writes them). Re-read when it changes.</summary>
    public string? HtpasswdFile { get; set; }

    /// <summary>Whether requests without credentials may read (list, download). False makes the index private.</summary>
    public bool AnonymousRead { get; set; } = true;

    /// <summary>Whether requests from loopback without credentials get every permission. Auto: only while no user
    /// and no token exists (a fresh install works out of the box; once users exist, everyone signs in).</summary>
    public LoopbackTrust TrustLoopback { get; set; } = LoopbackTrust.Auto;

    /// <summary>Permissions of htpasswd users not listed in <see cref="Users"/>.</summary>
    public string UserPermissions { get; set; } = "read,upload,build";

    /// <summary>Per-user permissions, e.g. <c>Auth:Users:alice = admin</c>, <c>Auth:Users:ci = read,upload</c>.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Failed sign-ins a client (IP address) may make per <see cref="FailedLoginWindow"/> before it gets 429.</summary>
    public int MaxFailedLogins { get; set; } = 10;

    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);
}

public enum LoopbackTrust
{
    Auto,
    Always,
    Never,
}
