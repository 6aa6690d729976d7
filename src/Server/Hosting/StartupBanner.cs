using System.Net;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Queue;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Hosting;

/// <summary>The block logged once the server listens: what is where (index, gRPC, dashboard, package folder, who
/// builds). Kestrel's own "Now listening on" lines do not say which port is the index and which is gRPC.</summary>
internal static class StartupBanner
{
    public static void Log(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupBanner));
        var endpoints = services.GetRequiredService<ServerEndpoints>();
        var catalog = services.GetRequiredService<IOptions<CatalogOptions>>().Value;
        var http = Addresses(endpoints, endpoints.Http);
        HostingLog.Started(
            logger,
            ServerCommandLine.Version,
            string.Join(" ", http.Select(static a => a + "simple/")),
            string.Join(" ", http),
            string.Join(" ", Addresses(endpoints, endpoints.Grpc)),
            string.Join(" ", http.Select(static a => a + "hangfire")),
            catalog.RootPath,
            catalog.StatePath,
            Builders(services));
    }

    /// <summary>Each endpoint as a client would write it: "localhost" as given, a wildcard as the address it is.</summary>
    private static List<string> Addresses(ServerEndpoints endpoints, List<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listen) =>
        listen.Select(o => o.EndPoint is IPEndPoint ip
                ? endpoints.Localhost.Contains(o) ? $"http://localhost:{ip.Port}/" : $"http://{ip}/"
                : o.EndPoint.ToString() ?? "?")
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static string Builders(IServiceProvider services)
    {
        if (!services.GetRequiredService<IOptions<QueueOptions>>().Value.EmbeddedAgent)
        {
            return "remote agents only (Queue:EmbeddedAgent is false); their targets show in ListTargets";
        }

        var agent = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var interpreters = agent.Interpreters.Count == 0 ? "python3" : string.Join(", ", agent.Interpreters);
        var roots = agent.Targets.Count == 0 ? string.Empty : $" and {agent.Targets.Count} root filesystem target(s)";
        return $"the embedded agent, with {interpreters}{roots}; each target logs \"Build target ... ready\" once it is found";
    }
}
