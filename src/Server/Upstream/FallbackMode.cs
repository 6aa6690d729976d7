namespace PypiForge.Server.Upstream;

/// <summary>What a project this server does not hold gets: 404, a redirect to the upstream, or the upstream's files through this server.</summary>
public enum FallbackMode
{
    None,
    Redirect,
    Proxy,
}
