namespace PypiForge.Server.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(1, LogLevel.Information, "Users loaded from {Path}: {Count}")]
    public static partial void HtpasswdLoaded(ILogger logger, string path, int count);

    [LoggerMessage(2, LogLevel.Warning, "The htpasswd file {Path} does not exist; nobody can sign in with a password until it is created (e.g. `htpasswd -cB {Path} alice`)")]
    public static partial void HtpasswdMissing(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Warning, "The htpasswd file {Path} could not be read ({Problem}); the users read before stay valid")]
    public static partial void HtpasswdUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(4, LogLevel.Warning, "Skipped line {Line} of {Path}: {Reason}")]
    public static partial void HtpasswdLineSkipped(ILogger logger, string path, int line, string reason);

    [LoggerMessage(5, LogLevel.Error, "The token file {Path} cannot be read ({Problem}). Fix it or remove it: until then no token in it can be verified (only tokens read before it broke still work) and loopback requests without credentials are not trusted")]
    public static partial void TokensUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(6, LogLevel.Warning, "Failed sign-in from {Client} as '{User}': {Reason}")]
    public static partial void SignInFailed(ILogger logger, string client, string user, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Refused sign-in from {Client}: too many failed attempts; it may try again in {Seconds} s")]
    public static partial void RateLimited(ILogger logger, string client, int seconds);

    [LoggerMessage(8, LogLevel.Information, "Token {Id} created for '{User}' with permissions {Permissions}")]
    public static partial void TokenCreated(ILogger logger, string id, string user, string permissions);

    [LoggerMessage(9, LogLevel.Information, "Token {Id} revoked")]
    public static partial void TokenRevoked(ILogger logger, string id);

    [LoggerMessage(10, LogLevel.Warning, "Refused a cross-site {Method} {Path}: {Reason}")]
    public static partial void CrossSiteRefused(ILogger logger, string method, string path, string reason);
}
