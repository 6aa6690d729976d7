using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.Queue;
using PypiForge.Protos.V1;

namespace PypiForge.Agent.Remote;

public static class RemoteAgentServiceCollectionExtensions
{
    /// <summary>An agent that reports to a remote server: Hangfire on the shared storage, the build agent, and the gRPC host.</summary>
    public static IServiceCollection AddRemoteBuildAgent(this IServiceCollection services, IConfiguration configuration)
    {
        // The Agent section is bound once, by AddBuildAgent; a remote agent checks its own keys of it as well.
        services.AddSingleton<IValidateOptions<AgentOptions>, RemoteAgentOptionsValidator>();
        services.AddHangfireQueue(configuration);
        services.AddSingleton(static sp => GrpcChannel.ForAddress(sp.GetRequiredService<IOptions<AgentOptions>>().Value.Server!));
        services.AddSingleton(static sp =>
        {
            var token = sp.GetRequiredService<IOptions<AgentOptions>>().Value.Token;
            CallInvoker invoker = sp.GetRequiredService<GrpcChannel>().CreateCallInvoker();
            if (!string.IsNullOrEmpty(token))
            {
                // Every call carries the agent's token; the server's "agent" policy checks it.
                invoker = invoker.Intercept(metadata =>
                {
                    metadata.Add("authorization", "Bearer " + token);
                    return metadata;
                });
            }

            return new AgentService.AgentServiceClient(invoker);
        });
        services.AddSingleton<RemoteBuildHost>();
        services.AddSingleton<IBuildHost>(static sp => sp.GetRequiredService<RemoteBuildHost>());
        services.AddBuildAgent(configuration);
        return services;
    }
}
