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

        // Read leniently here: a bad value is reported by the validator at start-up, with the key, not as a crash now.
        var timeout = TimeSpan.TryParse(section[nameof(UpstreamOptions.Timeout)], System.Globalization.CultureInfo.InvariantCulture, out var configured)
            && configured > TimeSpan.Zero ? configured : new UpstreamOptions().Timeout;
        // Requests bound themselves (Upstream:Timeout, Upstream:DownloadTimeout); the client's own timeout stays out of the way.
        services.AddHttpClient(UpstreamPages.ClientName, static c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(timeout, DecompressionMethods.All, followRedirects: true, sp.GetRequiredService<UpstreamFileHosts>()))
            .RemoveAllLoggers();
        // Files are hashed as sent: never decoded on the way. Their redirects are followed by the cache, hop by hop,
        // against Upstream:FileHosts.
        services.AddHttpClient(UpstreamFileCache.ClientName, static c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(timeout, DecompressionMethods.None, followRedirects: false, sp.GetRequiredService<UpstreamFileHosts>()))
            .RemoveAllLoggers();

        var mode = new UpstreamOptions { Fallback = section[nameof(UpstreamOptions.Fallback)] ?? "proxy" }.Mode;
        if (mode != FallbackMode.None)
        {
            services.AddSingleton<Builds.IPublishGuard, UpstreamPublishGuard>();
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
    private static SocketsHttpHandler Handler(TimeSpan timeout, DecompressionMethods decompression, bool followRedirects, UpstreamFileHosts hosts) => new()
    {
        AutomaticDecompression = decompression,
        AllowAutoRedirect = followRedirects,
        MaxAutomaticRedirections = 5,
        ConnectCallback = hosts.ConnectAsync,
        ConnectTimeout = timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
