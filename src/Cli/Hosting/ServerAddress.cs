namespace PypiForge.Cli.Hosting;

/// <summary>The <c>--server</c> value: an http(s) URL, or <c>host:port</c> (taken as http).</summary>
public static class ServerAddress
{
    /// <summary>The server's gRPC port when it runs with its defaults (README, "The two commands").</summary>
    public const string Default = "http://localhost:50051";

    public const string Variable = "PYPIFORGE_SERVER";

    /// <summary>The URL to dial, or null and why not.</summary>
    public static Uri? Parse(string text, out string? problem)
    {
        problem = null;
        var value = text.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            problem = $"--server '{text}' is not a server address: give the server's gRPC URL, e.g. {Default} (or set {Variable}).";
            return null;
        }

        return uri;
    }
}
