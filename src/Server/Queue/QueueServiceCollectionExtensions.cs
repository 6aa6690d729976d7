using Hangfire;
using Hangfire.InMemory;

namespace PypiForge.Server.Queue;

/// <summary>Hangfire is the queue. Its storage is chosen here, in one place (in-memory by default; PostgreSQL later).</summary>
public static class QueueServiceCollectionExtensions
{
    public static IServiceCollection AddBuildQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.Section));

        // Registered before AddHangfire, so Hangfire's services use this host's storage and not the process-wide
        // JobStorage.Current (several hosts can live in one process, e.g. in tests).
        services.AddSingleton<JobStorage>(static sp =>
        {
            // Hangfire's global configuration (log provider, serializer) must be in place before storage starts.
            sp.GetRequiredService<IGlobalConfiguration>();
            return new InMemoryStorage(new InMemoryStorageOptions());
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
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<QueueOptions>>().Value;
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAuthorization(options)],
            DashboardTitle = "PypiForge builds",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        });
        return app;
    }
}
