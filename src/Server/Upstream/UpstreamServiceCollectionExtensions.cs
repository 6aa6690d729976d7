using System.Net;
using Microsoft.Extensions.Options;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

public static class UpstreamServiceCollectionExtensions
{
    /// <summary>Registers the configured fallback; call after AddSimpleIndex (its registrations replace the defaults).</summary>
    public static IServiceCollection AddUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(UpstreamOptions.Section);
        services.AddOptions<UpstreamOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>();
        services.AddSingleton<UpstreamPaths>();
        services.AddSingleton<UpstreamFileHosts>();
        services.AddSingleton<UpstreamPages>();
        services.AddSingleton<UpstreamFileCache>();
        services.AddSingleton<ReleaseCooldown>();
        services.AddSingleton<MergePolicy>();
        services.AddSingleton<ProxyPageHandler>();
        services.AddSingleton<UpstreamBuilds>();

        // Requests bound themselves (Upstream:Timeout, Upstream:DownloadTimeout); the client's own timeout stays out of the way.
        services.AddHttpClient(UpstreamPages.ClientName, static c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp => Handler(sp, DecompressionMethods.All, followRedirects: true))
            .RemoveAllLoggers();
        // Files are hashed as sent: never decoded on the way. Their redirects are followed by the cache, hop by hop,
        // against Upstream:FileHosts.
        services.AddHttpClient(UpstreamFileCache.ClientName, static c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp => Handler(sp, DecompressionMethods.None, followRedirects: false))
            .RemoveAllLoggers();

        // Which handlers exist is decided now, before the options can be resolved: the same binding, read once here. A value
        // the binder cannot convert stops start-up here with the key named (StartupFailure), as it would a moment later.
        var mode = (section.Get<UpstreamOptions>() ?? new UpstreamOptions()).Mode;
        if (mode != FallbackMode.None)
        {
            services.AddSingleton<Builds.IPublishGuard, UpstreamPublishGuard>();
            services.AddSingleton<Builds.IUpstreamReleases, UpstreamReleases>();
        }

        if (mode == FallbackMode.Redirect)
        {
            services.AddSingleton<IMissingProjectHandler, RedirectMissingProjectHandler>();
        }
        else if (mode == FallbackMode.Proxy)
        {
            services.AddSingleton<IMissingProjectHandler>(static sp => sp.GetRequiredService<ProxyPageHandler>());
            services.AddSingleton<IProjectMerger>(static sp => sp.GetRequiredService<ProxyPageHandler>());
        }

        return services;
    }

    // Both clients connect through UpstreamFileHosts: no loopback, private or link-local address unless allowed.
    // Handlers are made on first use, after the start-up validation of Upstream:Timeout.
    private static SocketsHttpHandler Handler(IServiceProvider services, DecompressionMethods decompression, bool followRedirects) => new()
    {
        AutomaticDecompression = decompression,
        AllowAutoRedirect = followRedirects,
        MaxAutomaticRedirections = 5,
        ConnectCallback = services.GetRequiredService<UpstreamFileHosts>().ConnectAsync,
        ConnectTimeout = services.GetRequiredService<IOptions<UpstreamOptions>>().Value.Timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
