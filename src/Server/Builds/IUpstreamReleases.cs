namespace PypiForge.Server.Builds;

/// <summary>The files an upstream index offers pip for a project, through this server (the release cooldown applied), so
/// a build's applicability sees what pip will see. Upstream registers it when one is configured; without it only the
/// files served here count.</summary>
public interface IUpstreamReleases
{
    /// <summary>The upstream's files for <paramref name="key"/> as last fetched, or null when the upstream is not asked
    /// for it (a local project it does not merge into, or redirect mode with the project served here) or has not said.</summary>
    IReadOnlyList<ReleaseFile>? Known(string key, bool servedHere);

    /// <summary>Fetches the project's page if it is not fresh (bounded by Upstream:Timeout); never throws for the upstream failing.</summary>
    Task RefreshAsync(string key, CancellationToken cancellationToken);
}
