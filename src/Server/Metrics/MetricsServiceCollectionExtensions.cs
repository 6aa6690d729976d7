using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PypiForge.Server.Auth;

namespace PypiForge.Server.Metrics;

/// <summary><c>GET /metrics</c> in the Prometheus text format, through OpenTelemetry's exporter: the server's own
/// instruments (<see cref="ServerMetrics"/>, <see cref="MetricsGauges"/>), Kestrel's connection metrics and the .NET
/// runtime's. Who may read it is <c>Metrics:Access</c>; <c>off</c> registers nothing at all.</summary>
public static class MetricsServiceCollectionExtensions
{
    public const string Path = "/metrics";

    private static readonly string[] OtherMeters = ["Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    public static IServiceCollection AddPypiForgeMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(MetricsOptions.Section);
        services.AddOptions<MetricsOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        // Counted at the call sites whatever the access; with nothing listening an add returns at once.
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<MetricsGauges>();
        services.AddSingleton<MetricsAccessCheck>();

        // Read now, not only at start-up validation: "off" decides whether the exporter exists. A word the binder cannot
        // read throws here, and start-up reports it with the key (exit 2).
        if ((section.Get<MetricsOptions>() ?? new MetricsOptions()).Access == MetricsAccess.Off)
        {
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddMeter([ServerMetrics.MeterName, .. OtherMeters])
            .AddPrometheusExporter(static exporter =>
            {
                // Every scrape reads the numbers of that moment (the gauges are cheap); no scope or resource labels on
                // every series.
                exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                exporter.ScopeInfoEnabled = false;
                exporter.TargetInfoEnabled = false;
            }));

        // Meters are process-wide: a listener hears every meter of that name, also another host's in the same process
        // (tests run several servers). Only this host's meters (made by its IMeterFactory) and the process's runtime meter count.
        services.ConfigureOpenTelemetryMeterProvider(static (sp, builder) =>
        {
            var factory = sp.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, factory) || (instrument.Meter.Scope is null && instrument.Meter.Name == "System.Runtime")
                ? new MetricStreamConfiguration { CardinalityLimit = MaxSeriesPerMetric }
                : MetricStreamConfiguration.Drop);
        });
        return services;
    }

    // Each metric keeps room for this many label sets from the start (OpenTelemetry's default, 2,000, preallocated ~6 MB
    // over this server's metrics). Ours are bounded far below it: route class x status code, target x outcome. A label set
    // beyond it is counted under otel_metric_overflow="true" instead of being lost.
    private const int MaxSeriesPerMetric = 512;

    /// <summary>Times every request (outermost, so error pages and refusals count too) under its route class.</summary>
    public static IApplicationBuilder UsePypiForgeRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Access == MetricsAccess.Off)
        {
            return app;
        }

        var metrics = app.ApplicationServices.GetRequiredService<ServerMetrics>();
        return app.Use(next => async context =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                metrics.RequestHandled(RouteClass.Of(context.Request), context.Response.StatusCode, start);
            }
        });
    }

    public static IEndpointRouteBuilder MapPypiForgeMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Access;
        if (access == MetricsAccess.Off)
        {
            return app;
        }

        // The gauges exist from here on; their callbacks run only when a scrape collects.
        _ = app.ServiceProvider.GetRequiredService<MetricsGauges>();
        var check = app.ServiceProvider.GetRequiredService<MetricsAccessCheck>();
        var endpoint = app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (access == MetricsAccess.Loopback)
            {
                branch.Use(next => context => check.AllowsLoopback(context) ? next(context) : MetricsAccessCheck.RefuseAsync(context));
            }
        }, optionsName: null);
        if (access == MetricsAccess.Admin)
        {
            endpoint.RequireAuthorization(Policies.Admin);
        }

        return app;
    }
}
