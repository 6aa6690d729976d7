using System.CommandLine;
using System.Globalization;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;
using Spectre.Console;

namespace PypiForge.Cli.Targets;

/// <summary><c>pypiforge targets</c>: the live targets, their agents and queue counts.</summary>
public static class TargetCommands
{
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var command = new Command("targets", "List the targets live agents serve (what 'build --target' takes), their agents and queued/running builds");
        command.SetCallAction("read", async (context, _, cancellation) =>
        {
            var client = new BuildService.BuildServiceClient(context.Invoker);
            var response = await client.ListTargetsAsync(new ListTargetsRequest(), cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            if (response.Targets.Count == 0)
            {
                CliContext.Error.WriteLine("No live targets: no build agent is running (or none has found its interpreter yet).");
                return ExitCodes.Ok;
            }

            var table = new Table();
            table.AddColumns("Target", "Python", "Agents", "Queued", "Running");
            foreach (var target in response.Targets)
            {
                table.AddRow(
                    new Text(target.Name),
                    new Text(target.PythonVersion),
                    new Text(string.Join('\n', target.Agents.Select(a => $"{a.Id} ({a.Workers} workers)"))),
                    new Text(target.Queued.ToString(CultureInfo.InvariantCulture)),
                    new Text(target.Running.ToString(CultureInfo.InvariantCulture)));
            }

            context.Out.Write(table);
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(command);
    }
}
