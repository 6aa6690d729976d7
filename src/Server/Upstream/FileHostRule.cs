using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PypiForge.Server.Upstream;

/// <summary>One entry of <c>Upstream:FileHosts</c>: a host name (<c>files.pythonhosted.org</c>), an address
/// (<c>10.1.2.3</c>, <c>[fd00::5]</c>) or a range (<c>10.0.0.0/8</c>), with an optional port
/// (<c>mirror.lan:8443</c>, <c>127.0.0.1:9000</c>; not on a range). Without a port, every port of the host matches.
/// A name lets file URLs at that name through; only an address or a range lets a connection reach a loopback,
/// private or link-local address, so a public name that resolves inward is still refused.</summary>
public sealed class FileHostRule
{
    private FileHostRule(string text, string? name, IPNetwork? network, int? port)
    {
        Text = text;
        Name = name;
        Network = network;
        Port = port;
    }

    /// <summary>The entry as the operator wrote it, for messages.</summary>
    public string Text { get; }

    /// <summary>Lower-case host name; null for an address or a range.</summary>
    public string? Name { get; }

    public IPNetwork? Network { get; }

    public int? Port { get; }

    public override string ToString() => Text;

    /// <summary>Whether a URL at <paramref name="uri"/>'s host and port is covered (name or address; the scheme is not
    /// looked at: the bytes are checked against their sha256 either way).</summary>
    public bool Matches(Uri uri)
    {
        if (Port is { } port && port != uri.Port)
        {
            return false;
        }

        if (Name is not null)
        {
            return uri.HostNameType == UriHostNameType.Dns && string.Equals(Name, uri.IdnHost.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
        }

        return IPAddress.TryParse(uri.DnsSafeHost, out var address) && Covers(address, uri.Port);
    }

    /// <summary>Whether a connection to <paramref name="address"/> on <paramref name="port"/> is covered (addresses and ranges only).</summary>
    public bool Covers(IPAddress address, int port) =>
        Network is { } network && (Port is null || Port == port) && network.Contains(Normalize(address));

    /// <summary>An IPv4 address written as IPv6 (<c>::ffff:10.0.0.1</c>) is the IPv4 address.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Returns null and the rule, or a reason the entry is not one.</summary>
    public static string? TryParse(string text, out FileHostRule? rule)
    {
        rule = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            return "a URL; give its host (and port, if not the scheme's), e.g. files.example.org or files.example.org:8443";
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPNetwork.TryParse(text, out var range) || !IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var start))
            {
                return "not an address range (e.g. 10.0.0.0/8, fd00::/8)";
            }

            // A range written with bits past its prefix (10.0.0.1/8) is most likely a typo for one address or another range.
            if (!start.Equals(range.BaseAddress))
            {
                return $"the address has bits set past the prefix; the range is {range}";
            }

            rule = new FileHostRule(text, null, range, null);
            return null;
        }

        var host = text;
        int? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return "an IPv6 address in brackets lacks its ']'";
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || ParsePort(rest[1..]) is not { } bracketPort)
                {
                    return "after ']' only ':<port>' may follow (1 – 65535)";
                }

                port = bracketPort;
            }

            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return "not an IPv6 address in brackets";
            }
        }
        else if (text.Count(static c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = ParsePort(text[(colon + 1)..]);
            if (port is null)
            {
                return "the port is not a number from 1 to 65535";
            }
        }

        if (IPAddress.TryParse(host, out var address) && (host.Contains(':', StringComparison.Ordinal) || host.Count(static c => c == '.') == 3))
        {
            address = Normalize(address);
            rule = new FileHostRule(text, null, new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), port);
            return null;
        }

        var name = host.TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0 || Uri.CheckHostName(name) != UriHostNameType.Dns || name.All(static c => char.IsAsciiDigit(c) || c == '.'))
        {
            return "not a host name, host:port, address or address range";
        }

        rule = new FileHostRule(text, name, null, port);
        return null;
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
