namespace PypiForge.Server.Catalog;

/// <summary>The layout of the state folder (<see cref="CatalogOptions.StatePath"/>, default <c>&lt;root&gt;/.pypiforge</c>),
/// in one place: what each feature keeps there. The package root's own layout is <see cref="CatalogPaths"/>.</summary>
public static class StateFolder
{
    /// <summary>The folder's format version (<see cref="StateFormat"/>): a newer one than this server reads stops start-up.</summary>
    public const string FormatVersion = "format-version";

    /// <summary>What the catalog knows of each file (hashes, metadata offsets, uploader, yank state); <see cref="CatalogStateStore"/>.</summary>
    public const string CatalogState = "catalog.json";

    /// <summary>Every wheel's METADATA (PEP 658), appended; <see cref="CatalogStateStore"/>.</summary>
    public const string MetadataPack = "metadata.pack";

    /// <summary>API tokens (hashed); <c>Auth/TokenStore</c>.</summary>
    public const string Tokens = "tokens.json";

    /// <summary>The wheels builds published here, by name and sha256; <c>Builds/BuiltWheelLedger</c>.</summary>
    public const string BuiltWheels = "built-wheels.txt";

    /// <summary>Build logs, one folder per build; <c>Builds/BuildCoordinator</c>.</summary>
    public const string BuildLogs = "builds";

    /// <summary>Fresh allowances granted through the API (break-glass past <c>Upstream:MinReleaseAge</c>); <c>Upstream/FreshAllowances</c>.</summary>
    public const string FreshAllowances = "allow-fresh.json";

    /// <summary>PEP 792 statuses set on local projects by admins; <c>SimpleIndex/LocalProjectStatuses</c>.</summary>
    public const string ProjectStatuses = "project-status.json";

    /// <summary>The upstream cache's default place; <c>Upstream/UpstreamPaths</c>.</summary>
    public const string Upstream = "upstream";

    /// <summary>Where servers before the package folder's own staging spooled remote agents' wheels; a killed old server's
    /// spools are still removed at start (<c>Hosting/LeftoverCleanup</c>).</summary>
    public const string AgentSpools = "agent-uploads";

    public static string PathOf(CatalogOptions options, string entry)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(options.StatePath, entry);
    }
}
