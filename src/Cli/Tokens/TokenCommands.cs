using System.CommandLine;
using System.Globalization;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;
using Spectre.Console;

namespace PypiForge.Cli.Tokens;

/// <summary><c>pypiforge token create|list|revoke</c> over TokenService (admin): the same meaning as the server's own
/// <c>token</c> command, which edits the state folder directly and still works on a machine without a running server.</summary>
public static class TokenCommands
{
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var token = new Command("token", "Create, list and revoke API tokens (admin)") { Create(), List(), Revoke() };
        root.Subcommands.Add(token);
    }

    private static Command Create()
    {
        var user = new Option<string>("--user") { Description = "Whose token it is: uploads made with it are recorded under this name", Required = true, HelpName = "NAME" };
        var permissions = new Option<string>("--permissions")
        {
            Description = "Comma-separated: read, upload, build, agent, admin",
            Required = true,
            HelpName = "LIST",
        };
        var description = new Option<string?>("--description") { Description = "What it is for", HelpName = "TEXT" };
        var command = new Command("create", "Create a token; prints its secret (shown only now) on stdout") { user, permissions, description };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var request = new CreateTokenRequest { User = parse.GetValue(user)!, Description = parse.GetValue(description) ?? string.Empty };
            request.Permissions.AddRange(parse.GetValue(permissions)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var client = new TokenService.TokenServiceClient(context.Invoker);
            var response = await client.CreateTokenAsync(request, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine(response.Secret);
            CliContext.Error.WriteLine($"Token {response.Token.Id} for '{response.Token.User}' ({string.Join(',', response.Token.Permissions)}) created on {context.Server}. The secret is shown only now.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the tokens (never their secrets)");
        command.SetCallAction("admin", async (context, _, cancellation) =>
        {
            var client = new TokenService.TokenServiceClient(context.Invoker);
            var response = await client.ListTokensAsync(new ListTokensRequest(), cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            var table = new Table();
            table.AddColumns("Id", "User", "Permissions", "Created", "Description");
            foreach (var token in response.Tokens)
            {
                table.AddRow(
                    new Text(token.Id),
                    new Text(token.User),
                    new Text(string.Join(',', token.Permissions)),
                    new Text(token.Created?.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty),
                    new Text(token.Description));
            }

            context.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("ID") { Description = "The token's id ('pypiforge token list')" };
        var command = new Command("revoke", "Revoke a token: it stops working at once") { id };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var client = new TokenService.TokenServiceClient(context.Invoker);
            var response = await client.RevokeTokenAsync(new RevokeTokenRequest { Id = parse.GetValue(id) }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
            }
            else
            {
                CliContext.Error.WriteLine($"Token {parse.GetValue(id)} revoked.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
