using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Queue;
using PypiForge.Server.Queue;

namespace PypiForge.Server.Builds;

public static class BuildsServiceCollectionExtensions
{
    public static IServiceCollection AddBuilds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGrpc(static o => o.EnableDetailedErrors = false);
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();
        services.AddSingleton<LiveTargets>();
        services.AddSingleton<IBuildStore>(static sp =>
            sp.GetRequiredService<IOptions<QueueStorageOptions>>().Value.Storage == QueueStorageKind.PostgreSql
                ? new PostgreSqlBuildStore(sp.GetRequiredService<IOptions<QueueStorageOptions>>(), sp.GetRequiredService<Hangfire.JobStorage>())
                : new MemoryBuildStore());
        services.AddSingleton(static sp => new BuildCoordinator(
            sp.GetRequiredService<Hangfire.IBackgroundJobClient>(),
            sp.GetRequiredService<LiveTargets>(),
            sp.GetRequiredService<IBuildStore>(),
            sp.GetRequiredService<IOptions<Catalog.CatalogOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BuildCoordinator>>()));
        services.AddSingleton<WheelPublisher>();
        services.AddSingleton<BuiltWheelLedger>();
        services.AddSingleton<EmbeddedBuildHost>();
        services.AddSingleton<IBuildHost>(static sp => sp.GetRequiredService<EmbeddedBuildHost>());
        services.AddSingleton<HeldTargets>();
        services.AddSingleton<RemoteWheelReceiver>();
        if ((configuration.GetSection(QueueOptions.Section).Get<QueueOptions>() ?? new QueueOptions()).EmbeddedAgent)
        {
            services.AddBuildAgent(configuration);
        }

        return services;
    }

    public static WebApplication MapBuilds(this WebApplication app)
    {
        app.MapGrpcService<BuildGrpcService>();
        app.MapGrpcService<AgentGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapBuildQueueDashboard();
        return app;
    }
}
