namespace PypiForge.Server.Upstream;

/// <summary>What an upstream lookup gives: the project (found, or known to be absent upstream), or why the upstreams could not say.</summary>
public sealed record UpstreamLookup(UpstreamProject? Project, string? Problem);
