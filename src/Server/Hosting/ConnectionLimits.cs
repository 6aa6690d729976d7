using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Hosting;

/// <summary>Binds the <c>Limits</c> section and applies it to Kestrel, so a flood of idle or slow connections is refused
/// or timed out instead of exhausting the process's file descriptors.</summary>
internal static class ConnectionLimits
{
    public static IServiceCollection AddConnectionLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConnectionLimitsOptions>().Bind(configuration.GetSection(ConnectionLimitsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionLimitsOptions>, ConnectionLimitsOptionsValidator>();
        // Registered after ConfigureKestrel (AddPypiForgeServer), so the endpoints exist when this runs.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ConnectionLimitsOptions>, ServerEndpoints>(
            static (kestrel, limits, endpoints) => Apply(kestrel, limits, endpoints));
        return services;
    }

    private static void Apply(KestrelServerOptions kestrel, IOptions<ConnectionLimitsOptions> limits, ServerEndpoints endpoints)
    {
        // Kestrel reads its options while the app is being built, before start-up validation runs. A bad value is left
        // to that validation: a failed Value is not cached, so it fails again there, is reported with its key, and the
        // server never starts on Kestrel's own defaults.
        ConnectionLimitsOptions value;
        try
        {
            value = limits.Value;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return;
        }

        Apply(kestrel, value);
        var silent = new SilentConnectionTimeout(value.RequestHeadersTimeout);
        foreach (var listen in endpoints.Http.Concat(endpoints.Grpc))
        {
            listen.Use(silent.Wrap);
        }
    }

    private static void Apply(KestrelServerOptions kestrel, ConnectionLimitsOptions limits)
    {
        // One ceiling for index and gRPC together: the file descriptors they use come from the same process limit.
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConnections;
        kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;

        // gRPC is not cut by this: grpc-dotnet lifts the body rate for client- and bidirectional-streaming calls itself,
        // and WatchBuild is server streaming (its request body is one message, read at once); a long stream is an
        // active HTTP/2 stream, which the keep-alive timeout does not touch.
        kestrel.Limits.MinRequestBodyDataRate = limits.MinRequestBodyDataRate > 0
            ? new MinDataRate(limits.MinRequestBodyDataRate, limits.MinRequestBodyDataRateGracePeriod)
            : null;
    }
}
