using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;

namespace PypiForge.Server.Hosting;

/// <summary>Reports a port another program already holds as a sentence naming the port and the key that moves it; that
/// is the operator's environment, not a bug, so it deserves no stack trace.</summary>
internal static partial class PortInUse
{
    /// <summary>Tries each configured port before the host starts. Once the host is starting, its hosted services are
    /// already running and the host logs Kestrel's bind failure with a full trace, so this check comes first; the
    /// exception path below only covers a port taken in the moment between the two.</summary>
    public static string? FindTaken(ServerEndpoints endpoints)
    {
        foreach (var (options, isGrpc) in endpoints.Http.Select(static o => (o, false)).Concat(endpoints.Grpc.Select(static o => (o, true))))
        {
            if (options.EndPoint is not IPEndPoint { Port: > 0 } endpoint)
            {
                continue;
            }

            // Kestrel binds "localhost" on both loopbacks and fails if either is taken.
            IPAddress[] addresses = endpoints.Localhost.Contains(options)
                ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
                : [endpoint.Address];
            if (addresses.Any(a => IsTaken(new IPEndPoint(a, endpoint.Port))))
            {
                return Message(endpoint.Port, isGrpc);
            }
        }

        return null;
    }

    public static bool IsAddressInUse(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Says which port is taken. Kestrel names the failed address only in its message ("Failed to bind to
    /// address http://127.0.0.1:8080: address already in use."), so the port is read from there.</summary>
    public static string Describe(Exception exception, ServerEndpoints endpoints)
    {
        var port = FailedPort(exception);
        return port is null
            ? "A port this server listens on is already in use by another program; stop it or choose other ports with Urls (--urls) and Grpc:Port (--grpc-port)."
            : Message(port.Value, endpoints.Grpc.Exists(e => e.EndPoint is IPEndPoint ip && ip.Port == port));
    }

    private static string Message(int port, bool isGrpc) => isGrpc
        ? $"The gRPC port {port} (Grpc:Port, --grpc-port) is already in use by another program; stop it or choose another port."
        : $"The HTTP port {port} (Urls, --urls) is already in use by another program; stop it or choose another port.";

    private static bool IsTaken(IPEndPoint endpoint)
    {
        // The same kind of socket Kestrel opens, so the answer matches what Kestrel will meet; anything other than
        // "in use" (no IPv6, no permission) is left for Kestrel to report.
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode == SocketError.AddressAlreadyInUse;
        }
    }

    private static int? FailedPort(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // The last ":digits" is the port, also after an IPv6 literal such as http://[::1]:8080.
            var match = PortPattern().Matches(e.Message).LastOrDefault();
            if (match is not null && int.TryParse(match.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }
        }

        return null;
    }

    [GeneratedRegex(@":(?<port>\d{1,5})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PortPattern();
}
