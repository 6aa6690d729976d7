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
        services.AddHangfire(static (sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(sp.GetRequiredService<ILoggerFactory>())));
        return services;
    }

    public static WebApplication MapBuildQueueDashboard(this WebApplication app)
    {
        // Read per request: the dashboard is mapped before start-up validation runs, which reports bad values itself.
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<QueueOptions>>();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAuthorization(() => options.Value)],
            DashboardTitle = "PypiForge builds",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        });
        return app;
    }
}
