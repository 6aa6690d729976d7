using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>Reads <c>Authorization: Basic</c> (a htpasswd user, or <c>__token__</c> and an API token, as twine sends)
/// and <c>Authorization: Bearer &lt;token&gt;</c> (gRPC clients). The same scheme guards HTTP, gRPC and the dashboard.</summary>
public sealed class PypiForgeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    HtpasswdUsers users,
    TokenStore tokens,
    AccessPolicy access,
    FailedLogins failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "PypiForge";
    public const string PermissionClaim = "pypiforge:permission";
    public const string TokenUser = "__token__";
    internal const string FailedKey = "pypiforge:auth-failed";
    internal const string RetryAfterKey = "pypiforge:auth-retry-after";

    /// <summary>Why credentials fail when nothing exists to check them against, and what to do.</summary>
    private const string NoOneYet = "no users or tokens exist on this server yet; on the server, create a token with "
        + "`token create --user NAME --permissions upload` (or start it with --htpasswd FILE), or upload from the server itself";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var remote = Context.Connection.RemoteIpAddress;
        if (string.IsNullOrEmpty(header))
        {
            // The Host check keeps a DNS-rebinding page (loopback peer, Host: evil.example) anonymous.
            return Task.FromResult(access.TrustsLoopback(Context) && LoopbackHosts.Allows(Request.Host)
                ? Success($"loopback ({remote})", Permissions.All, "loopback")
                : AuthenticateResult.NoResult());
        }

        // A fresh install (no users, no tokens) trusts loopback, and flit and pdm always send some credentials: they
        // cannot be checked against anything, so they are the loopback publisher's, not a failed sign-in.
        if (access.KnowsNoOne && access.TrustsLoopback(Context) && LoopbackHosts.Allows(Request.Host))
        {
            return Task.FromResult(Success($"loopback ({remote})", Permissions.All, "loopback"));
        }

        var blocked = failures.BlockedFor(remote);
        if (blocked is not null)
        {
            var seconds = (int)Math.Ceiling(blocked.Value.TotalSeconds);
            Context.Items[RetryAfterKey] = seconds;
            AuthLog.RateLimited(Logger, remote?.ToString() ?? "?", seconds);
            return Task.FromResult(Failed("too many failed sign-ins from this address"));
        }

        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
        {
            return Task.FromResult(Refuse("?", "the Authorization header is not 'Basic <base64>' or 'Bearer <token>'"));
        }

        if (string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(FromToken(value.Parameter));
        }

        if (!string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || !TryDecodeBasic(value.Parameter, out var user, out var password))
        {
            return Task.FromResult(Refuse("?", "the Authorization header is not 'Basic <base64 of user:password>' or 'Bearer <token>'"));
        }

        if (user == TokenUser)
        {
            return Task.FromResult(FromToken(password));
        }

        // bcrypt is deliberately slow (tens of ms): keep it off the request thread pool's hot path.
        return Task.Run(() => users.Verify(user, password)
            ? Success(user, access.PermissionsOf(user), "password")
            : Refuse(user, access.KnowsNoOne ? NoOneYet : "wrong user name or password"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(RetryAfterKey, out var seconds) && seconds is int wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"PypiForge\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private AuthenticateResult FromToken(string token)
    {
        var stored = tokens.Find(token);
        if (stored is null)
        {
            return Refuse(TokenUser, access.KnowsNoOne ? NoOneYet : "unknown or revoked token");
        }

        return PermissionNames.TryParse(stored.Permissions, out var permissions, out _)
            ? Success(stored.User, permissions, "token")
            : Refuse(TokenUser, "the token's permissions are unreadable; create a new token");
    }

    private AuthenticateResult Refuse(string user, string reason)
    {
        failures.Record(Context.Connection.RemoteIpAddress);
        AuthLog.SignInFailed(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "?", user, reason);
        return Failed(reason);
    }

    private AuthenticateResult Failed(string reason)
    {
        Context.Items[FailedKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private static AuthenticateResult Success(string user, Permissions permissions, string method)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        claims.AddRange(PermissionNames.Names(permissions).Select(p => new Claim(PermissionClaim, p)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, method));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static bool TryDecodeBasic(string parameter, out string user, out string password)
    {
        user = password = string.Empty;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(parameter.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
