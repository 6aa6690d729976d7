namespace PypiForge.Server.Catalog;

public static class CatalogServiceCollectionExtensions
{
    public static IServiceCollection AddCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CatalogOptions>()
            .Bind(configuration.GetSection(CatalogOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<CatalogOptions>, CatalogOptionsValidator>();
        services.AddSingleton<PackageCatalog>();
        services.AddSingleton<CatalogStateStore>();
        services.AddSingleton<FileInspector>();
        services.AddSingleton<CatalogWriter>();
        services.AddSingleton<CatalogSynchronizer>();
        services.AddSingleton<Publishing.PackageFolder>();
        services.AddHostedService(static sp => sp.GetRequiredService<CatalogSynchronizer>());
        services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog");
        return services;
    }
}
