using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.Features;

namespace PypiForge.Server.Auth;

/// <summary>Turns a refused request into an answer a person can act on: 401 with <c>WWW-Authenticate: Basic</c>, 403,
/// or 429 with a problem body naming the missing permission; gRPC calls get Unauthenticated, PermissionDenied or
/// ResourceExhausted with the same message (instead of a bare HTTP status the client cannot explain).</summary>
public sealed class AuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        var permission = string.Join(", ", policy.Requirements.OfType<PermissionRequirement>().Select(r => r.Name));
        var (status, grpcStatus, title, detail) = Describe(context, permission, authorizeResult.Forbidden && !authorizeResult.Challenged);
        await WriteAsync(context, status, grpcStatus, title, detail);
    }

    /// <summary>Writes a refusal for handlers that check a permission themselves (e.g. <c>:action=remove_pkg</c>).</summary>
    public static Task RefuseAsync(HttpContext context, string permission)
    {
        var (status, grpcStatus, title, detail) = Describe(context, permission, context.User.Identity?.IsAuthenticated == true);
        return WriteAsync(context, status, grpcStatus, title, detail);
    }

    /// <summary>Sets the HTTP/1.1 reason phrase (printable ASCII only, one line, at most 200 characters).</summary>
    public static void SetReasonPhrase(HttpContext context, string reason) =>
        context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase =
            new string([.. reason.Take(200).Select(c => c is >= ' ' and <= '~' ? c : '?')]);

    private static (int Status, int GrpcStatus, string Title, string Detail) Describe(HttpContext context, string permission, bool forbidden)
    {
        if (context.Items.TryGetValue(PypiForgeAuthenticationHandler.RetryAfterKey, out var value) && value is int seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return (StatusCodes.Status429TooManyRequests, 8, "Too many failed sign-ins",
                $"This address made too many failed sign-ins; try again in {seconds} s.");
        }

        if (forbidden)
        {
            var user = context.User.Identity?.Name ?? "this user";
            return (StatusCodes.Status403Forbidden, 7, $"Permission denied: '{user}' lacks the '{permission}' permission",
                $"'{user}' is signed in but lacks the '{permission}' permission. An admin can grant it (Auth:Users:<user> = {permission}, or a token created with it).");
        }

        context.Response.Headers.WWWAuthenticate = "Basic realm=\"PypiForge\", charset=\"UTF-8\"";
        var failed = context.Items.TryGetValue(PypiForgeAuthenticationHandler.FailedKey, out var reason) && reason is string text ? text : null;
        var why = failed is null ? "This needs credentials. " : $"Sign-in failed: {failed}. ";
        return (StatusCodes.Status401Unauthorized, 16, failed is null ? "Sign-in required" : $"Sign-in failed: {failed}",
            why + $"The '{permission}' permission is needed: send HTTP Basic credentials (a user of the htpasswd file, or the user "
            + $"'{PypiForgeAuthenticationHandler.TokenUser}' with an API token as password), or 'Authorization: Bearer <token>'.");
    }

    private static async Task WriteAsync(HttpContext context, int status, int grpcStatus, string title, string detail)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // A trailers-only gRPC response: the client reads the status and message from the headers.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = grpcStatus.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(detail);
            return;
        }

        // The reason phrase is what twine and requests print ("401 Client Error: Sign-in failed: ..."); the body says the rest.
        SetReasonPhrase(context, title);
        await TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
