using System.CommandLine;
using System.CommandLine.Parsing;
using PypiForge.Cli.Builds;
using PypiForge.Cli.Packages;
using PypiForge.Cli.Policy;
using PypiForge.Cli.Targets;
using PypiForge.Cli.Tokens;

namespace PypiForge.Cli.Hosting;

/// <summary>The command tree: each feature folder adds its commands.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("pypiforge: request and watch wheel builds, list targets, manage projects, files, tokens and the upstream policy of a PypiForge server (over its gRPC API).");
        GlobalOptions.AddTo(root);
        BuildCommands.AddTo(root);
        TargetCommands.AddTo(root);
        ProjectCommands.AddTo(root);
        FileCommands.AddTo(root);
        TokenCommands.AddTo(root);
        PolicyCommands.AddTo(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            // One line per problem and where to read more; exit code 2 (the library's default is 1, which means "failed" here).
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine("pypiforge: " + error.Message);
            }

            Console.Error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync();
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is CommandResult result && result.Parent is not null; at = result.Parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', ["pypiforge", .. names]);
    }
}
