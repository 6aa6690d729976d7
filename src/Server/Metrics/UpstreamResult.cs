namespace PypiForge.Server.Metrics;

/// <summary>How an upstream page or file was answered, for <see cref="ServerMetrics"/>.</summary>
public enum UpstreamResult
{
    Hit,
    Miss,
    Error,
}
