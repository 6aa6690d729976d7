using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PypiForge.Server.Hosting;

/// <summary>Binds the index (HTTP/1.1, from <c>Urls</c>) and gRPC (HTTP/2 cleartext, on <c>Grpc:Port</c>) on the same hosts.</summary>
internal static class KestrelEndpoints
{
    public const int DefaultGrpcPort = 50051;

    public static void Configure(KestrelServerOptions kestrel, string urls, int grpcPort, ServerEndpoints endpoints)
    {
        var hosts = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"Invalid configuration value for Urls (--urls): '{url}' ({ex.Message}). Example: http://0.0.0.0:8080", ex);
            }

            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Invalid configuration value for Urls (--urls): '{url}'. Only http:// is served; put a TLS proxy (nginx, Caddy) in front for https.");
            }

            Listen(kestrel, address.Host, address.Port, HttpProtocols.Http1, endpoints.Http);
            if (!hosts.Contains(address.Host, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(address.Host);
            }
        }

        foreach (var host in hosts)
        {
            Listen(kestrel, host, grpcPort, HttpProtocols.Http2, endpoints.Grpc);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, List<ListenOptions> into)
    {
        void Configure(ListenOptions options)
        {
            options.Protocols = protocols;
            into.Add(options);
        }

        if (host is "*" or "+" || host == "0.0.0.0" || host == "[::]")
        {
            kestrel.ListenAnyIP(port, Configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, Configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, port, Configure);
        }
        else
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Invalid configuration value for Urls (--urls): host '{host}' is not an IP address, localhost or *. Example: http://0.0.0.0:{port}"));
        }
    }
}
