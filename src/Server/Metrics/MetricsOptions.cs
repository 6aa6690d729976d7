namespace PypiForge.Server.Metrics;

/// <summary>The <c>Metrics</c> section: who may scrape <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    public MetricsAccess Access { get; set; } = MetricsAccess.Loopback;
}
