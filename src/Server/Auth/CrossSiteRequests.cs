namespace PypiForge.Server.Auth;

/// <summary>
/// Refuses state-changing requests a browser sent on behalf of another site (issue 10). Upload and remove_pkg are
/// multipart/form-data POSTs, which any web page may send without a CORS pre-flight, and loopback or a browser's cached
/// Basic credentials would sign them in; the dashboard's forms are the same. twine, pip, poetry and curl send neither
/// <c>Origin</c> nor <c>Sec-Fetch-Site</c>, so they pass; gRPC (HTTP/2 POSTs of application/grpc) is left alone.
/// </summary>
public static class CrossSiteRequests
{
    public static IApplicationBuilder UseCrossSiteRefusal(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossSiteRequests));
        return app.Use(async (context, next) =>
        {
            var reason = RefusalOf(context.Request);
            if (reason is null)
            {
                await next(context);
                return;
            }

            AuthLog.CrossSiteRefused(logger, context.Request.Method, context.Request.Path.Value ?? "/", reason);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("cross-site request refused: " + reason + "\n", context.RequestAborted);
        });
    }

    /// <summary>Why <paramref name="request"/> is refused, or null when it may go on.</summary>
    public static string? RefusalOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || IsGrpc(request))
        {
            return null;
        }

        // A browser's own verdict comes first and cannot be forged by a page; it also holds behind a TLS-terminating
        // proxy, where the Origin says https and this server sees http.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none"
                ? null
                : $"the browser says this {request.Method} comes from another site (Sec-Fetch-Site: {site}).";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || SameOrigin(origin, request))
        {
            return null;
        }

        return $"the {request.Method} comes from the page at '{origin}', not from {request.Scheme}://{request.Host}.";
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var from)
        && Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var own)
        && string.Equals(from.Scheme, own.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(from.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase)
        && from.Port == own.Port;
}
