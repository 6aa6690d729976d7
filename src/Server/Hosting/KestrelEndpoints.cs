using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PypiForge.Server.Hosting;

/// <summary>Binds the index (HTTP/1.1, from <c>Urls</c>) and gRPC (HTTP/2 cleartext, on <c>Grpc:Port</c>) on the same hosts.</summary>
internal static class KestrelEndpoints
{
    public const int DefaultGrpcPort = 50051;

    /// <summary>Parses <c>Urls</c> into (host, port) pairs; every problem found is described in <paramref name="problems"/>.</summary>
    public static List<(string Host, int Port)> Plan(string urls, List<string> problems)
    {
        var plan = new List<(string Host, int Port)>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                problems.Add($"Urls (--urls): '{url}' is not a URL ({ex.Message}). Example: http://0.0.0.0:8080");
                continue;
            }

            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Urls (--urls): '{url}' is not http://. Only http:// is served; put a TLS proxy (nginx, Caddy) in front for https.");
            }
            else if (!IsSupportedHost(address.Host))
            {
                problems.Add($"Urls (--urls): host '{address.Host}' in '{url}' is not an IP address, localhost or *. Example: http://0.0.0.0:8080");
            }
            else
            {
                plan.Add((address.Host, address.Port));
            }
        }

        if (plan.Count == 0 && problems.Count == 0)
        {
            problems.Add("Urls (--urls) names no address. Example: http://localhost:8080");
        }

        return plan;
    }

    public static void Configure(KestrelServerOptions kestrel, List<(string Host, int Port)> plan, int grpcPort, ServerEndpoints endpoints)
    {
        var hosts = new List<string>();
        foreach (var (host, port) in plan)
        {
            Listen(kestrel, host, port, HttpProtocols.Http1, endpoints, endpoints.Http);
            if (!hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(host);
            }
        }

        foreach (var host in hosts)
        {
            Listen(kestrel, host, grpcPort, HttpProtocols.Http2, endpoints, endpoints.Grpc);
        }
    }

    private static bool IsAnyHost(string host) => host is "*" or "+" or "0.0.0.0" or "[::]";

    private static bool IsSupportedHost(string host) =>
        IsAnyHost(host)
        || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(host.Trim('[', ']'), out _);

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, ServerEndpoints endpoints, List<ListenOptions> into)
    {
        void Configure(ListenOptions options)
        {
            options.Protocols = protocols;
            into.Add(options);
        }

        if (IsAnyHost(host))
        {
            kestrel.ListenAnyIP(port, Configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && port == 0)
        {
            // Kestrel cannot pick one free port for two loopbacks; "any free port on localhost" means the IPv4 one.
            kestrel.Listen(IPAddress.Loopback, port, Configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, options =>
            {
                Configure(options);
                endpoints.Localhost.Add(options);
            });
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, Configure);
        }
    }
}
