using System.Net;

namespace PypiForge.Server.Auth;

/// <summary>
/// The Host names under which loopback trust holds. A DNS-rebinding page (evil.example re-resolved to 127.0.0.1)
/// reaches this server from the loopback peer, but its browser still sends <c>Host: evil.example</c>. A rebinding needs
/// a name; an IP literal or <c>localhost</c> (which browsers resolve themselves) cannot be rebound, and these are also
/// the only hosts Urls (--urls) accepts, so the configured hosts all pass.
/// </summary>
public static class LoopbackHosts
{
    public static bool Allows(HostString host)
    {
        // HTTP/1.0 without a Host header: not a browser.
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.TrimEnd('.');
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(name.Trim('[', ']'), out _);
    }
}
