using System.CommandLine;
using System.Globalization;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;
using Spectre.Console;

namespace PypiForge.Cli.Packages;

/// <summary><c>pypiforge projects [PREFIX]</c> and <c>pypiforge project NAME</c>.</summary>
public static class ProjectCommands
{
    private const int PageSize = 1000;

    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Subcommands.Add(List());
        root.Subcommands.Add(Show());
    }

    private static Command List()
    {
        var prefix = new Argument<string?>("PREFIX") { Description = "Only projects whose normalized name starts with this", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("projects", "List the projects served here, with their file counts and versions") { prefix };
        command.SetCallAction("read", async (context, parse, cancellation) =>
        {
            var client = new PackageService.PackageServiceClient(context.Invoker);
            var all = new ListProjectsResponse();
            var request = new ListProjectsRequest { Prefix = parse.GetValue(prefix) ?? string.Empty, PageSize = PageSize };
            do
            {
                var page = await client.ListProjectsAsync(request, cancellationToken: cancellation);
                all.Projects.AddRange(page.Projects);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            if (context.Json)
            {
                context.WriteJson(all);
                return ExitCodes.Ok;
            }

            var table = new Table();
            table.AddColumns("Project", "Files", "Versions");
            foreach (var project in all.Projects)
            {
                table.AddRow(new Text(project.Name), new Text(project.FileCount.ToString(CultureInfo.InvariantCulture)), new Text(string.Join(' ', project.Versions)));
            }

            context.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME") { Description = "The project (any spelling)" };
        var command = new Command("project", "Show a project: its status, and its files with size, uploader and yank state") { name };
        command.SetCallAction("read", async (context, parse, cancellation) =>
        {
            var client = new PackageService.PackageServiceClient(context.Invoker);
            var project = await client.GetProjectAsync(new GetProjectRequest { Name = parse.GetValue(name) }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(project);
                return ExitCodes.Ok;
            }

            var status = project.Status is { Status.Length: > 0 } s ? s : new ProjectStatusInfo { Status = "active" };
            context.Line($"{project.Name}: {status.Status}{(status.Reason.Length > 0 ? " (" + status.Reason + ")" : string.Empty)}{(status.SetBy.Length > 0 ? ", set by " + status.SetBy : string.Empty)}");
            context.Out.Write(Files(project.Files));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Table Files(IEnumerable<PackageFile> files)
    {
        var table = new Table();
        table.AddColumns("File", "Version", "Size", "Uploaded", "By", "Yanked");
        foreach (var file in files)
        {
            table.AddRow(
                new Text(file.Filename),
                new Text(file.Version),
                new Text(file.Size.ToString("N0", CultureInfo.InvariantCulture)),
                new Text(file.UploadTime?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? string.Empty),
                new Text(file.UploadedBy),
                new Text(file.Yanked ? "yes" + (file.YankedReason.Length > 0 ? ": " + file.YankedReason : string.Empty) : string.Empty));
        }

        return table;
    }
}
