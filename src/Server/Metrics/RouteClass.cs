namespace PypiForge.Server.Metrics;

/// <summary>The route label of a request: a fixed handful of classes read from the method and path alone (no routing,
/// no allocation), never the path itself, so a crawler asking for a million project names makes no new series.</summary>
public static class RouteClass
{
    public const string SimpleRoot = "simple_root";
    public const string Project = "project";
    public const string File = "file";
    public const string UpstreamFile = "upstream_file";
    public const string Upload = "upload";
    public const string Health = "health";
    public const string Metrics = "metrics";
    public const string Hangfire = "hangfire";
    public const string Grpc = "grpc";
    public const string Pages = "pages";
    public const string Other = "other";

    public static string Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? string.Empty;
        if (path.StartsWith("/simple", StringComparison.Ordinal))
        {
            return path.Length == 7 || path is "/simple/" ? SimpleRoot
                : path[7] == '/' ? Project
                : Other;
        }

        if (path.StartsWith("/packages/", StringComparison.Ordinal))
            return File;
        if (path.StartsWith("/upstream/", StringComparison.Ordinal))
            return UpstreamFile;
        if (HttpMethods.IsPost(request.Method) && path is "/" or "/legacy" or "/legacy/")
            return Upload;
        if (path is "/health")
            return Health;
        if (path is "/metrics")
            return Metrics;
        if (path.StartsWith("/hangfire", StringComparison.Ordinal))
            return Hangfire;
        if (request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.Ordinal))
            return Grpc;
        if (path is "/" || IsPage(path, "/project") || IsPage(path, "/projects") || IsPage(path, "/builds") || IsPage(path, "/targets") || IsPage(path, "/search"))
            return Pages;
        return Other;
    }

    // "/builds", "/builds/", "/builds/abc" — but not "/buildsx".
    private static bool IsPage(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
