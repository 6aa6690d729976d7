using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PypiForge.Server.Catalog;

/// <summary>Healthy once the catalog has loaded; reports what is served.</summary>
public sealed class CatalogHealthCheck(PackageCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = catalog.Current;
        var data = new Dictionary<string, object>
        {
            ["projects"] = snapshot.Projects.Count,
            ["files"] = snapshot.FileCount,
            ["rejected"] = catalog.Rejected.Count,
        };
        return Task.FromResult(catalog.IsReady
            ? HealthCheckResult.Healthy($"{snapshot.FileCount} files in {snapshot.Projects.Count} projects", data)
            : HealthCheckResult.Unhealthy("The catalog is still loading", data: data));
    }
}
