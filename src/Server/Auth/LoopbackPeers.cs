using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Queue;

namespace PypiForge.Server.Auth;

/// <summary>
/// Who is at the other end of a loopback connection. Build sandboxes share the host's network (pip reads this
/// server's index), so "loopback" alone would let a package's setup.py act as the machine's operator. On Linux the
/// kernel lists every TCP socket of this network namespace with its owner (<c>/proc/net/tcp</c>, <c>tcp6</c>): a
/// connection whose client socket belongs to a build sandbox's user (Agent:SandboxFirstUid and up, when the agent runs
/// as root) is not the operator. Where builds run as the server's own user (a server that is not root, with its
/// embedded agent) the two cannot be told apart, so loopback trust is off there.
/// </summary>
public sealed class LoopbackPeers(IOptions<QueueOptions> queue, IOptions<AgentOptions> agent)
{
    private const int SandboxUids = 1000;

    private static readonly object ConnectionItemKey = new();

    private readonly int firstSandboxUid = agent.Value.SandboxFirstUid;

    /// <summary>Builds run as this server's own user: its embedded agent is on and sandboxes without uids of their own.</summary>
    public bool BuildsShareServerUser { get; } = queue.Value.EmbeddedAgent && !(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess);

    /// <summary>True when the connection's client socket is owned by a build sandbox's user (or cannot be looked up while
    /// builds share this server's user).</summary>
    /// <remarks>The owner of a connection's client socket cannot change while it is open, and reading the kernel's socket
    /// table costs about a millisecond (more with many sockets), so it is looked up once per connection and kept in the
    /// connection's items (Kestrel's per-connection store, gone with the connection), not at every request of a
    /// keep-alive or HTTP/2 connection.</remarks>
    public bool IsBuild(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (BuildsShareServerUser)
            return true;
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(ConnectionItemKey, out var known) && known is bool cached)
            return cached;
        var isBuild = Lookup(context.Connection);
        if (items is not null)
            items[ConnectionItemKey] = isBuild;
        return isBuild;
    }

    private bool Lookup(ConnectionInfo connection)
    {
        if (connection.RemoteIpAddress is not { } remote || connection.LocalIpAddress is not { } local || !OperatingSystem.IsLinux())
            return false;
        var uid = OwnerOf(new IPEndPoint(remote, connection.RemotePort), new IPEndPoint(local, connection.LocalPort));
        return uid is { } owner && owner >= firstSandboxUid && owner < firstSandboxUid + SandboxUids;
    }

    // The client's socket is the one whose local address is the connection's remote end and whose remote address is ours.
    private static int? OwnerOf(IPEndPoint client, IPEndPoint server)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            IEnumerable<string> lines;
            try
            {
                lines = File.ReadLines(table).Skip(1).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var line in lines)
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 7 && Same(fields[1], client) && Same(fields[2], server)
                    && int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                {
                    return uid;
                }
            }
        }

        return null;
    }

    // "0100007F:1F90": the address as the kernel stores it (32-bit words in host order, little-endian here), the port in hex.
    private static bool Same(string field, IPEndPoint endpoint)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(field.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port) || port != endpoint.Port)
            return false;
        var hex = field[..colon];
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var i = 0; i < 4; i++)
                bytes[(word * 4) + i] = byte.Parse(hex.AsSpan((word * 8) + ((3 - i) * 2), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        var address = endpoint.Address;
        if (bytes.Length == 16 && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            address = address.MapToIPv6();
        else if (bytes.Length == 4 && address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return address.GetAddressBytes().AsSpan().SequenceEqual(bytes);
    }
}
