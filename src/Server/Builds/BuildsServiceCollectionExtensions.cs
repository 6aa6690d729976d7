using PypiForge.Agent.Building;
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
        services.AddSingleton<BuildCoordinator>();
        services.AddSingleton<WheelPublisher>();
        services.AddSingleton<BuiltWheelLedger>();
        services.AddSingleton<IBuildHost, EmbeddedBuildHost>();
        if (configuration.GetSection(QueueOptions.Section).GetValue(nameof(QueueOptions.EmbeddedAgent), true))
        {
            services.AddBuildAgent(configuration);
        }

        return services;
    }

    public static WebApplication MapBuilds(this WebApplication app)
    {
        app.MapGrpcService<BuildGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapBuildQueueDashboard();
        return app;
    }
}
