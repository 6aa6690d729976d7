using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PypiForge.Server.Hosting;

/// <summary>The HTTP/1.1 index endpoints and the HTTP/2 gRPC endpoints this server listens on (ports known after start).</summary>
public sealed class ServerEndpoints
{
    internal List<ListenOptions> Http { get; } = [];

    internal List<ListenOptions> Grpc { get; } = [];

    /// <summary>The endpoints given as "localhost", which Kestrel binds on both the IPv4 and the IPv6 loopback.</summary>
    internal HashSet<ListenOptions> Localhost { get; } = [];

    /// <summary>How this process reaches its own index (the embedded agent's pip uses it): a wildcard address becomes loopback.</summary>
    public Uri HttpBaseUri => BaseUri(Http) ?? throw new InvalidOperationException("The server has no HTTP endpoint.");

    public Uri? GrpcBaseUri => BaseUri(Grpc);

    private static Uri? BaseUri(List<ListenOptions> endpoints)
    {
        var endpoint = endpoints.Select(static e => e.EndPoint).OfType<IPEndPoint>().FirstOrDefault();
        if (endpoint is null)
        {
            return null;
        }

        var address = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endpoint.Address;
        return new Uri($"http://{new IPEndPoint(address, endpoint.Port)}/");
    }
}
