using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Upstream;

/// <summary>Where the proxy fetches from. A file URL on an upstream page is fetched only from that upstream's own
/// scheme, host and port, or from a host listed in <c>Upstream:FileHosts</c>; every redirect is held to the same rule.
/// And whatever a name resolves to, the upstream clients connect to a loopback, private, link-local, unspecified,
/// multicast or reserved address only for the configured upstream's own host and port, or when an address or range
/// in <c>Upstream:FileHosts</c> covers it: a hostile page cannot point this server at itself or at the network
/// behind it, by URL, by redirect or by DNS.</summary>
public sealed class UpstreamFileHosts
{
    private static readonly (IPNetwork Range, string Kind)[] Inward =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "reserved"),
        (IPNetwork.Parse("64:ff9b::/96"), "NAT64"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private readonly IReadOnlyList<UpstreamIndex> indexes;
    private readonly ILogger<UpstreamFileHosts> logger;
    private readonly ConcurrentDictionary<string, byte> warned = new(StringComparer.Ordinal);

    public UpstreamFileHosts(UpstreamPaths paths, IOptions<UpstreamOptions> options, ILogger<UpstreamFileHosts> logger)
    {
        indexes = paths.Indexes;
        this.logger = logger;
        Rules = [.. options.Value.FileHostList.Select(static text => FileHostRule.TryParse(text, out var rule) is null ? rule : null).OfType<FileHostRule>()];
    }

    public IReadOnlyList<FileHostRule> Rules { get; }

    /// <summary>The listing of <paramref name="source"/>'s page of <paramref name="key"/>: files at hosts that are not
    /// allowed are set apart (logged once per project and process, with the reason).</summary>
    public UpstreamListing Listing(string key, UpstreamIndex source, IReadOnlyList<UpstreamFile> files, SimpleIndex.ProjectStatus? status)
    {
        var allowed = new List<UpstreamFile>(files.Count);
        var refused = new Dictionary<string, (UpstreamFile File, string Reason)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (Refusal(source, file.Url) is { } reason)
            {
                refused.TryAdd(file.FileName, (file, reason));
            }
            else
            {
                allowed.Add(file);
            }
        }

        if (refused.Count > 0 && warned.TryAdd(key, 0))
        {
            UpstreamLog.FilesRefused(logger, source.ToString(), key, refused.Count, refused.Values.First().Reason);
        }

        return new UpstreamListing(allowed, refused, status);
    }

    /// <summary>Null when a file URL that <paramref name="source"/>'s page names (or a redirect leads to) may be
    /// fetched; otherwise why not, for logs and for the client.</summary>
    public string? Refusal(UpstreamIndex source, Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{url.GetLeftPart(UriPartial.Scheme)}' is not an http(s) URL";
        }

        if (Uri.Compare(url, source.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            || Rules.Any(rule => rule.Matches(url)))
        {
            return null;
        }

        return $"{url.GetLeftPart(UriPartial.Authority)} is neither the upstream's own host ({source.BaseUri.GetLeftPart(UriPartial.Authority)}) nor listed in Upstream:FileHosts";
    }

    /// <summary>Null when a connection for <paramref name="host"/>:<paramref name="port"/> may go to
    /// <paramref name="address"/>; otherwise why not.</summary>
    public string? ConnectRefusal(string host, int port, IPAddress address)
    {
        address = FileHostRule.Normalize(address);
        var kind = Inward.FirstOrDefault(r => r.Range.Contains(address)).Kind;
        if (kind is null
            || indexes.Any(index => index.BaseUri.Port == port && SameHost(index.BaseUri.IdnHost, host))
            || Rules.Any(rule => rule.Covers(address, port)))
        {
            return null;
        }

        return $"{host}:{port} resolves to {address}, a {kind} address; this server connects there only for the configured "
            + "upstream's own host, or when Upstream:FileHosts lists the address or its range";
    }

    /// <summary>The upstream clients' connect step: resolves the name, refuses the connection if any address is
    /// refused (so a name cannot slip an inward address in among public ones), then connects.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);

        // Through an HTTP proxy the operator configured, the proxy resolves the name: only the URL rule applies then.
        if (!ToProxy(context))
        {
            foreach (var address in addresses)
            {
                if (ConnectRefusal(endpoint.Host, endpoint.Port, address) is { } refusal)
                {
                    throw new HttpRequestException(refusal);
                }
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool ToProxy(SocketsHttpConnectionContext context)
    {
        var target = context.InitialRequestMessage.RequestUri;
        if (target is null || HttpClient.DefaultProxy.IsBypassed(target) || HttpClient.DefaultProxy.GetProxy(target) is not { } proxy)
        {
            return false;
        }

        return proxy.Port == context.DnsEndPoint.Port && SameHost(proxy.IdnHost, context.DnsEndPoint.Host);
    }

    private static bool SameHost(string a, string b) =>
        string.Equals(a.Trim('[', ']').TrimEnd('.'), b.Trim('[', ']').TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
