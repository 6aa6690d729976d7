using System.Net;
using PypiForge.Server.Auth;

namespace PypiForge.Server.Metrics;

/// <summary><c>Metrics:Access = loopback</c>: the client is on this machine (a loopback address, under a Host name no
/// DNS rebinding can fake) and is not a build sandbox, told apart by its socket's owner as for loopback trust
/// (<see cref="LoopbackPeers"/>). Where builds run as the server's own user they cannot be told apart; the numbers are
/// counts with no names or secrets in them, so such a server still answers its local scraper.</summary>
public sealed class MetricsAccessCheck(LoopbackPeers peers)
{
    public bool AllowsLoopback(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A dual-stack listener ([::]) sees an IPv4 client as ::ffff:127.0.0.1.
        return context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
            && LoopbackHosts.Allows(context.Request.Host)
            && (peers.BuildsShareServerUser || !peers.IsBuild(context));
    }

    public static Task RefuseAsync(HttpContext context) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Metrics are for this machine only",
        detail: $"{MetricsServiceCollectionExtensions.Path} answers clients on this machine only (Metrics:Access is loopback). "
            + "Scrape it from this machine, or set Metrics:Access to admin (with an admin token) or open.").ExecuteAsync(context);
}
