using Microsoft.Extensions.Logging.Abstractions;
using PypiForge.Server.Catalog;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Auth;

/// <summary>The <c>token</c> command: <c>dotnet run --project src/Server -- token create --user NAME --permissions
/// upload,build</c>, <c>token list</c>, <c>token revoke ID</c>. It edits <c>tokens.json</c> in the state folder (the
/// same <c>--root</c>/<c>--state-dir</c> as the server); a running server picks the change up at once.</summary>
public static class TokenCommands
{
    private const string Usage = """
        Usage:
          token create --user NAME --permissions read,upload,build,agent,admin [--description TEXT]
          token list
          token revoke ID
        Add --root DIR or --state-dir DIR when the server runs with them.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            error.WriteLine(Usage);
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("PYPIFORGE_")
            .AddCommandLine(args[1..].Where((_, i) => !(args[0] == "revoke" && i == 0)).ToArray(), new Dictionary<string, string>(PypiForgeServer.SwitchMappings))
            .Build();
        var catalog = configuration.GetSection(CatalogOptions.Section).Get<CatalogOptions>() ?? new CatalogOptions();
        if (StateFormat.Problem(catalog.StatePath) is { } format)
        {
            // A newer server's tokens.json may not be this version's list: leave it alone.
            error.WriteLine($"token: {catalog.StatePath}: {format}");
            return 2;
        }

        var tokens = new TokenStore(catalog.StatePath, NullLogger<TokenStore>.Instance);
        try
        {
            switch (args[0])
            {
                case "create":
                {
                    var (token, secret) = Create(tokens, configuration["user"], configuration["permissions"], configuration["description"], message => new ArgumentException(message));
                    output.WriteLine(secret);
                    error.WriteLine($"Token {token.Id} for '{token.User}' ({token.Permissions}) stored in {catalog.StatePath}. It is shown only now.");
                    return 0;
                }

                case "list":
                    foreach (var token in tokens.List())
                    {
                        output.WriteLine($"{token.Id}  {token.User}  {token.Permissions}  {token.Created:yyyy-MM-dd}  {token.Description}");
                    }

                    return 0;
                case "revoke" when args.Length >= 2:
                    if (tokens.Revoke(args[1]))
                    {
                        error.WriteLine($"Token {args[1]} revoked.");
                        return 0;
                    }

                    error.WriteLine($"No token with id '{args[1]}' in {catalog.StatePath}; `token list` shows the ids.");
                    return 1;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }
    }

    /// <summary>Validates and creates a token (shared by the CLI and the TokenService).</summary>
    public static (StoredToken Token, string Secret) Create(TokenStore tokens, string? user, string? permissions, string? description, Func<string, Exception> invalid)
    {
        user = user?.Trim();
        if (string.IsNullOrEmpty(user) || user.Length > 100 || user.Any(c => char.IsControl(c) || c == ':') || user == PypiForgeAuthenticationHandler.TokenUser)
        {
            throw invalid("A token needs a user (--user NAME): up to 100 characters, no ':' or control characters, not '__token__'.");
        }

        string? unknown = null;
        if (string.IsNullOrWhiteSpace(permissions) || !PermissionNames.TryParse(permissions, out var parsed, out unknown) || parsed == Permissions.None)
        {
            throw invalid($"A token needs permissions (--permissions), any of read, upload, build, agent, admin{(unknown is null ? string.Empty : $"; '{unknown}' is not one")}.");
        }

        if (description is { Length: > 200 } || description?.Any(char.IsControl) == true)
        {
            throw invalid("The description is at most 200 characters on one line.");
        }

        return tokens.Create(user, parsed, string.IsNullOrWhiteSpace(description) ? null : description.Trim());
    }
}
