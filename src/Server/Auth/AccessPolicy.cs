using System.Net;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>The rules that do not depend on credentials: anonymous reads and loopback trust.</summary>
public sealed class AccessPolicy(IOptions<AuthOptions> options, HtpasswdUsers users, TokenStore tokens, LoopbackPeers peers)
{
    private readonly AuthOptions options = options.Value;

    public bool AnonymousRead => options.AnonymousRead;

    /// <summary>Loopback requests without credentials may do anything: always, never, or (auto) while no htpasswd file
    /// is configured and no token exists — a fresh install works out of the box, a configured one asks everyone. Never a
    /// connection from a build sandbox (which shares the host's network): a package's code is not the operator.</summary>
    public bool TrustsLoopback(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = context.Connection.RemoteIpAddress;
        var trusted = remote is not null && IPAddress.IsLoopback(remote) && options.TrustLoopback switch
        {
            LoopbackTrust.Always => true,
            LoopbackTrust.Never => false,
            _ => !users.Configured && !tokens.Any,
        };
        return trusted && !peers.IsBuild(context);
    }

    /// <summary>No htpasswd file and no token: there is nothing credentials could be checked against.</summary>
    public bool KnowsNoOne => !users.Configured && !tokens.Any;

    public Permissions PermissionsOf(string user)
    {
        var text = options.Users.TryGetValue(user, out var specific) ? specific : options.UserPermissions;
        return PermissionNames.TryParse(text, out var permissions, out _) ? permissions : Permissions.None;
    }
}
