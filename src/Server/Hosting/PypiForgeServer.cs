using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using PypiForge.Server.Auth;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.Home;
using PypiForge.Server.Files;
using PypiForge.Server.Metrics;
using PypiForge.Server.Policy;
using PypiForge.Server.Pages;
using PypiForge.Server.Queue;
using PypiForge.Server.SimpleIndex;
using PypiForge.Server.Uploads;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Hosting;

/// <summary>The composition root: every feature's AddX/MapX, in one place.</summary>
public static class PypiForgeServer
{
    public const string DefaultUrls = "http://localhost:8080";

    /// <summary>Short command-line switches for the keys people set most.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--root"] = "Catalog:Root",
        ["--state-dir"] = "Catalog:StateDirectory",
        ["--grpc-port"] = "Grpc:Port",
        ["--htpasswd"] = "Auth:HtpasswdFile",
        ["--fallback"] = "Upstream:Fallback",
        ["--upstream"] = "Upstream:Url",
    };

    public static WebApplicationBuilder AddPypiForgeServer(this WebApplicationBuilder builder, string[] args)
    {
        // PYPIFORGE_CATALOG__ROOT=/srv/pypi and --root /srv/pypi both reach Catalog:Root; the command line wins.
        builder.Configuration.AddEnvironmentVariables("PYPIFORGE_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        urls = string.IsNullOrWhiteSpace(urls) ? DefaultUrls : urls;
        var grpcPortText = builder.Configuration["Grpc:Port"];
        var grpcPort = KestrelEndpoints.DefaultGrpcPort;
        var problems = new List<string>();
        if (grpcPortText is not null
            && (!int.TryParse(grpcPortText, System.Globalization.CultureInfo.InvariantCulture, out grpcPort) || grpcPort is < 0 or > 65535))
        {
            problems.Add($"Grpc:Port (--grpc-port) is '{grpcPortText}'; use a port number from 0 to 65535 (default {KestrelEndpoints.DefaultGrpcPort}).");
        }

        var plan = KestrelEndpoints.Plan(urls, problems);
        if (grpcPort != 0 && plan.Exists(p => p.Port == grpcPort))
        {
            // Both would bind the same port and the second would fail as "in use"; say what is really wrong.
            problems.Add($"Grpc:Port (--grpc-port) is {grpcPort}, the same port as in Urls (--urls); gRPC needs a port of its own (default {KestrelEndpoints.DefaultGrpcPort}).");
        }

        var endpoints = new ServerEndpoints();
        builder.Services.AddSingleton(endpoints);

        // Endpoint problems are reported like every other configuration mistake: by the start-up validation.
        builder.Services.AddSingleton<IValidateOptions<ServerEndpoints>>(new EndpointValidator(problems));
        builder.Services.AddOptions<ServerEndpoints>().ValidateOnStart();

        // Endpoints are bound explicitly (index and gRPC on their own ports); clear Urls so Kestrel does not warn about overriding it.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (problems.Count == 0)
            {
                KestrelEndpoints.Configure(kestrel, plan, grpcPort, endpoints);
            }

            // The index serves small pages and large files; requests themselves are small until uploads arrive.
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddConnectionLimits(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddPypiForgeAuth(builder.Configuration);
        builder.Services.AddHostedService<LeftoverCleanup>();
        builder.Services.AddHostedService<IdleMemoryReturn>();
        builder.Services.AddCatalog(builder.Configuration);
        builder.Services.AddSimpleIndex();
        builder.Services.AddUploads(builder.Configuration);
        builder.Services.AddUpstream(builder.Configuration);
        builder.Services.AddPolicy();
        builder.Services.AddBuildQueue(builder.Configuration);
        builder.Services.AddBuilds(builder.Configuration);
        builder.Services.AddPypiForgeMetrics(builder.Configuration);
        builder.Services.AddPages();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapPypiForge(this WebApplication app)
    {
        app.UsePypiForgeRequestMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCrossSiteRefusal();
        app.UseAuthorization();
        app.UsePrivateCaching();

        // Everything a reader sees needs "read". With anonymous reads on (the default) the public pages carry no policy
        // at all, so credentials are not even looked at there; writes and private reads check theirs.
        var reads = app.MapGroup(string.Empty);
        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.AnonymousRead)
        {
            reads.RequireAuthorization(Policies.Read);
        }

        reads.MapHome();
        reads.MapPages();
        reads.MapSimpleIndex();
        reads.MapPackageFiles();
        reads.MapUpstream();
        app.MapUploads();
        app.MapGrpcService<PackageGrpcService>();
        app.MapGrpcService<TokenGrpcService>();
        app.MapPolicy();
        app.MapBuilds();
        app.MapPypiForgeMetrics();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        return app;
    }

    /// <summary>Runs the server; a port already taken ends start-up with the message alone (it names the port and the
    /// key), exit code 2. Configuration mistakes are thrown to <see cref="StartupFailure"/>, which reports them the
    /// same way from wherever in start-up they surface.</summary>
    public static async Task<int> RunPypiForgeAsync(this WebApplication app)
    {
        // Validate before the host starts, so a bad value is reported once, as a message, not as a host failure trace.
        app.Services.GetService<IStartupValidator>()?.Validate();

        // The endpoints are filled in when Kestrel's options are first read; read them here rather than rely on Build.
        _ = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        var endpoints = app.Services.GetRequiredService<ServerEndpoints>();
        if (PortInUse.FindTaken(endpoints) is { } taken)
        {
            await Console.Error.WriteLineAsync("PypiForge cannot start: " + taken);
            return 2;
        }

        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Log(app.Services));
        // Start-up's garbage over a large folder, like a busy spell's, is returned once the server is idle (IdleMemoryReturn).
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException ex) when (PortInUse.IsAddressInUse(ex))
        {
            // Taken between the check and the bind; the host has logged it already, this still says what to change.
            await Console.Error.WriteLineAsync("PypiForge cannot start: " + PortInUse.Describe(ex, endpoints));
            return 2;
        }
    }

    private static Task WriteHealthAsync(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthBody(
            report.Status.ToString(),
            report.Entries.ToDictionary(static e => e.Key, static e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description, e.Value.Data))),
            HealthJsonContext.Default.HealthBody,
            context.RequestAborted);
    }
}
