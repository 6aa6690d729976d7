using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Queue;
using PypiForge.Protos.Jobs;
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
        services.AddSingleton<LiveTargetList>();
        services.AddSingleton<ILiveTargets>(static sp => sp.GetRequiredService<LiveTargets>());
        services.AddSingleton<IBuildStore>(static sp =>
            sp.GetRequiredService<IOptions<QueueOptions>>().Value.Storage == QueueStorageKind.PostgreSql
                ? new PostgreSqlBuildStore(sp.GetRequiredService<IOptions<QueueOptions>>(), sp.GetRequiredService<Hangfire.JobStorage>())
                : new MemoryBuildStore());
        services.AddSingleton(static sp => new BuildRecords(
            sp.GetRequiredService<IBuildStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BuildRecords>>(),
            sp.GetRequiredService<Metrics.ServerMetrics>()));
        // A person's "Requeue" of an ended build job rebuilds its target. AddBuildQueue's AddHangfire registered Hangfire's
        // process-wide filter provider (TryAdd); this later registration is the one the job client and dashboard get.
        services.AddSingleton<BuildJobRequeue>();
        services.AddSingleton<Hangfire.Common.IJobFilterProvider, BuildJobFilterProvider>();
        services.AddSingleton(static sp => new ReleaseCandidates(sp.GetRequiredService<Catalog.PackageCatalog>(), sp.GetService<IUpstreamReleases>()));
        services.AddSingleton(static sp => new BuildScheduler(
            sp.GetRequiredService<Hangfire.IBackgroundJobClient>(),
            sp.GetRequiredService<ILiveTargets>(),
            sp.GetRequiredService<BuildRecords>(),
            sp.GetRequiredService<IOptions<Catalog.CatalogOptions>>(),
            sp.GetRequiredService<ILogger<BuildScheduler>>(),
            sp.GetRequiredService<ReleaseCandidates>()));

        // Before the embedded agent's hosted service (AddBuildAgent below): saved builds are loaded before it takes a job.
        services.AddHostedService<BuildStoreStartup>();
        services.AddSingleton<WheelPublisher>();
        services.AddSingleton<BuiltWheelLedger>();
        services.AddSingleton<ServerBuildHost>();
        services.AddSingleton<IBuildHost>(static sp => sp.GetRequiredService<ServerBuildHost>());
        services.AddSingleton<HeldTargets>();
        services.AddSingleton<RemoteWheelReceiver>();
        services.AddHostedService<BuildBackendWarnings>();
        services.AddHostedService<LostAgentWatch>();
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
