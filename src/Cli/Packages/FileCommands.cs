using System.CommandLine;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;

namespace PypiForge.Cli.Packages;

/// <summary><c>pypiforge yank|unyank FILE|NAME==VERSION [--reason]</c> and <c>pypiforge delete FILE|NAME==VERSION</c>.</summary>
public static class FileCommands
{
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Subcommands.Add(Yank(true));
        root.Subcommands.Add(Yank(false));
        root.Subcommands.Add(Delete());
    }

    private static Argument<string> What() => new("FILE|NAME==VERSION")
    {
        Description = "A file name (pf_pure-1.0-py3-none-any.whl) or a release (pf-pure==1.0: every file of it)",
    };

    private static Command Yank(bool yank)
    {
        var what = What();
        var reason = new Option<string?>("--reason") { Description = "Why (pip shows it to whoever installs the pinned file)", HelpName = "TEXT" };
        var command = yank
            ? new Command("yank", "Yank a file or a release (PEP 592): pip skips it unless it is pinned with ==") { what, reason }
            : new Command("unyank", "Undo a yank") { what };
        command.SetCallAction("upload", async (context, parse, cancellation) =>
        {
            var target = FileOrRelease.Parse(parse.GetValue(what)!);
            var request = new SetYankedRequest
            {
                Filename = target.FileName ?? string.Empty,
                Project = target.Project ?? string.Empty,
                Version = target.Version ?? string.Empty,
                Yanked = yank,
                Reason = (yank ? parse.GetValue(reason) : null) ?? string.Empty,
            };
            var client = new PackageService.PackageServiceClient(context.Invoker);
            var response = await client.SetYankedAsync(request, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            foreach (var file in response.Files)
            {
                context.Line($"{(yank ? "yanked" : "un-yanked")}: {file.Filename}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        var what = What();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask (needed when not run from a terminal)" };
        var command = new Command("delete", "Delete a file or every file of a release from the package folder (asks first)") { what, yes };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var target = FileOrRelease.Parse(parse.GetValue(what)!);
            if (!parse.GetValue(yes))
            {
                if (!Terminal.CanAsk)
                {
                    throw new UsageException($"delete asks before it deletes, and there is no terminal to ask on: add --yes to delete {target} from {context.Server}. Nothing was deleted.");
                }

                if (!Confirm($"Delete {target} from {context.Server}? [y/N] "))
                {
                    CliContext.Error.WriteLine("Nothing was deleted.");
                    return ExitCodes.Failed;
                }
            }

            var client = new PackageService.PackageServiceClient(context.Invoker);
            var response = target.IsRelease
                ? await client.DeleteReleaseAsync(new DeleteReleaseRequest { Project = target.Project, Version = target.Version }, cancellationToken: cancellation)
                : await client.DeleteFileAsync(new DeleteFileRequest { Filename = target.FileName }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            foreach (var file in response.Deleted)
            {
                context.Line("deleted: " + file);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool Confirm(string question)
    {
        Console.Error.Write(question);
        var answer = Console.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
