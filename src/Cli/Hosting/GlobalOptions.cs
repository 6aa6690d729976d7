using System.CommandLine;

namespace PypiForge.Cli.Hosting;

/// <summary>The options every command takes: where the server is, who the caller is, and JSON for scripts.</summary>
public static class GlobalOptions
{
    public const string TokenVariable = "PYPIFORGE_TOKEN";

    public static Option<string> Server { get; } = new("--server")
    {
        Description = $"The server's gRPC URL (default {ServerAddress.Default}, or ${ServerAddress.Variable})",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerAddress.Variable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : ServerAddress.Default,
    };

    public static Option<string?> Token { get; } = new("--token")
    {
        Description = $"An API token, sent as 'authorization: Bearer <token>' (default ${TokenVariable}; prefer the variable: other users see command lines)",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document (the API's messages) instead of tables",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(Json);
    }
}
