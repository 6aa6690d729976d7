using Hangfire;
using PypiForge.Protos.Queue;

namespace PypiForge.Server.Queue;

/// <summary>Hangfire is the queue. Its storage is chosen by Queue:Storage (in-memory by default, or PostgreSQL shared
/// with remote agents) and its job format set in <see cref="QueueStorageServiceCollectionExtensions.AddHangfireQueue"/>,
/// which remote agents call too.</summary>
public static class QueueServiceCollectionExtensions
{
    public static IServiceCollection AddBuildQueue(this IServiceCollection services, IConfiguration configuration)
    {
        // The section is bound with the storage settings (AddHangfireQueue); the largest wheel is the server's own key.
        services.AddOptions<QueueOptions>()
            .Validate(static o => o.MaxWheelBytes is >= 1024 and <= 16L * 1024 * 1024 * 1024, "Queue:MaxWheelBytes must be from 1024 to 17179869184 bytes (default 536870912).")
            .ValidateOnStart();
        services.AddHangfireQueue(configuration, static (sp, hangfire) => hangfire
            .UseLogProvider(new HangfireLogBridge(sp.GetRequiredService<ILoggerFactory>())));

        // With IAntiforgery registered, the dashboard puts a token in its pages and refuses a POST (delete, requeue)
        // that does not carry it back with its cookie: a page on another site cannot forge one.
        services.AddAntiforgery(static o =>
        {
            o.Cookie.Name = "pypiforge-dashboard-antiforgery";
            o.Cookie.Path = "/hangfire";
        });
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
