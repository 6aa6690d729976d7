using PypiForge.Server.Upstream;

namespace PypiForge.Server.Policy;

/// <summary>The supply-chain policy an admin sets at run time: fresh allowances past the upstream cooldown and local
/// projects' PEP 792 status (the stores live with the features that read them: Upstream and SimpleIndex).</summary>
public static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddPolicy(this IServiceCollection services)
    {
        services.AddSingleton<FreshAllowances>();
        services.AddSingleton<Builds.IPublishGuard, QuarantinePublishGuard>();
        return services;
    }

    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<PolicyGrpcService>();
        return app;
    }
}
