namespace PypiForge.Server.Auth;

/// <summary>Sign-in and tokens: event ids 300-399 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class AuthLog
{
    [LoggerMessage(301, LogLevel.Information, "Users loaded from {Path}: {Count}")]
    public static partial void HtpasswdLoaded(ILogger logger, string path, int count);

    [LoggerMessage(302, LogLevel.Warning, "The htpasswd file {Path} does not exist; nobody can sign in with a password until it is created (e.g. `htpasswd -cB {Path} alice`)")]
    public static partial void HtpasswdMissing(ILogger logger, string path);

    [LoggerMessage(303, LogLevel.Warning, "The htpasswd file {Path} could not be read ({Problem}); the users read before stay valid")]
    public static partial void HtpasswdUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(304, LogLevel.Warning, "Skipped line {Line} of {Path}: {Reason}")]
    public static partial void HtpasswdLineSkipped(ILogger logger, string path, int line, string reason);

    [LoggerMessage(305, LogLevel.Error, "The token file {Path} cannot be read ({Problem}). Fix it or remove it: until then no token in it can be verified (only tokens read before it broke still work) and loopback requests without credentials are not trusted")]
    public static partial void TokensUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(306, LogLevel.Warning, "Failed sign-in from {Client} as '{User}': {Reason}")]
    public static partial void SignInFailed(ILogger logger, string client, string user, string reason);

    [LoggerMessage(307, LogLevel.Warning, "Refused sign-in from {Client}: too many failed attempts; it may try again in {Seconds} s")]
    public static partial void RateLimited(ILogger logger, string client, int seconds);

    [LoggerMessage(308, LogLevel.Information, "Token {Id} created for '{User}' with permissions {Permissions}")]
    public static partial void TokenCreated(ILogger logger, string id, string user, string permissions);

    [LoggerMessage(309, LogLevel.Information, "Token {Id} revoked")]
    public static partial void TokenRevoked(ILogger logger, string id);

    [LoggerMessage(310, LogLevel.Warning, "Refused a cross-site {Method} {Path}: {Reason}")]
    public static partial void CrossSiteRefused(ILogger logger, string method, string path, string reason);
}
