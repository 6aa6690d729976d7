using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Building;

public static class AgentServiceCollectionExtensions
{
    /// <summary>A build agent in this process. The host must also register an <see cref="IBuildHost"/> and a Hangfire JobStorage.</summary>
    public static IServiceCollection AddBuildAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section))
            .PostConfigure(static o =>
            {
                if (o.Interpreters.Count == 0 && o.Targets.Count == 0)
                {
                    o.Interpreters.Add("python3");
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BuildSandbox>();
        services.AddSingleton<TargetRegistry>();
        services.AddSingleton<TargetDiscovery>();
        services.AddSingleton<PipWheelRunner>();
        services.AddTransient<IBuildJob, BuildJob>();
        services.AddHostedService<AgentHostedService>();
        return services;
    }
}
