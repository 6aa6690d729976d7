using Hangfire;
using PypiForge.Agent.Queue;

namespace PypiForge.Server.Queue;

/// <summary>Hangfire is the queue. Its storage is chosen by Queue:Storage (in-memory by default, or PostgreSQL shared
/// with remote agents) in <see cref="QueueStorageServiceCollectionExtensions"/>.</summary>
public static class QueueServiceCollectionExtensions
{
    public static IServiceCollection AddBuildQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.Section))
            .Validate(static o => o.MaxWheelBytes is >= 1024 and <= 16L * 1024 * 1024 * 1024, "Queue:MaxWheelBytes must be from 1024 to 17179869184 bytes (default 536870912).")
            .ValidateOnStart();

        // Registered before AddHangfire, so Hangfire's services use this host's storage and not the process-wide
        // JobStorage.Current (several hosts can live in one process, e.g. in tests).
        services.AddQueueStorage(configuration);

        // With IAntiforgery registered, the dashboard puts a token in its pages and refuses a POST (delete, requeue)
        // that does not carry it back with its cookie: a page on another site cannot forge one.
        services.AddAntiforgery(static o =>
        {
            o.Cookie.Name = "pypiforge-dashboard-antiforgery";
            o.Cookie.Path = "/hangfire";
        });
        services.AddHangfire(static (sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(sp.GetRequiredService<ILoggerFactory>())));
        return services;
    }

    public static WebApplication MapBuildQueueDashboard(this WebApplication app)
    {
        // The dashboard can delete and requeue jobs: admin only (loopback counts as admin only while Auth:TrustLoopback
        // allows it, by default until users or tokens exist). Hangfire's own filters are replaced by the endpoint policy.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            DashboardTitle = "PypiForge builds",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }).RequireAuthorization(PypiForge.Server.Auth.Policies.Admin);
        return app;
    }
}
