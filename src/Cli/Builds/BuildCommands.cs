using System.CommandLine;
using PypiForge.Cli.Hosting;
using PypiForge.Protos.V1;

namespace PypiForge.Cli.Builds;

/// <summary><c>pypiforge build REQ…</c>, <c>build show|watch|cancel ID</c> and <c>builds</c>.</summary>
public static class BuildCommands
{
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var build = Request();
        build.Subcommands.Add(Show());
        build.Subcommands.Add(Watch());
        build.Subcommands.Add(Cancel());
        root.Subcommands.Add(build);
        root.Subcommands.Add(List());
    }

    private static Command Request()
    {
        var requirements = new Argument<string[]>("REQ")
        {
            Description = "PEP 508 requirements, e.g. flask==3.0.3 'mongoengine>=0.24'",
            Arity = ArgumentArity.OneOrMore,
        };
        var targets = new Option<string[]>("--target", "-t")
        {
            Description = "A target to build for (repeat, or separate with commas); default every live target ('pypiforge targets')",
            HelpName = "TARGET",
        };
        var noDeps = new Option<bool>("--no-deps") { Description = "Build only the named requirements, not their dependencies" };
        var pre = new Option<bool>("--pre") { Description = "Allow pre-releases" };
        var wait = new Option<bool>("--wait", "-w")
        {
            Description = "Follow the build until it ends (a live table on a terminal), print a summary and exit 0 when every applicable target built, 1 otherwise",
        };
        var command = new Command("build", "Request a build: prints its id (with --wait, follows it). 'build show|watch|cancel ID' for an existing one.")
        {
            requirements, targets, noDeps, pre, wait,
        };
        command.SetCallAction("build", async (context, parse, cancellation) =>
        {
            var request = new RequestBuildRequest { NoDeps = parse.GetValue(noDeps), Pre = parse.GetValue(pre) };
            request.Requirements.AddRange(parse.GetValue(requirements) ?? []);
            request.Targets.AddRange((parse.GetValue(targets) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            var client = new BuildService.BuildServiceClient(context.Invoker);
            var created = await client.RequestBuildAsync(request, cancellationToken: cancellation);
            if (!parse.GetValue(wait))
            {
                if (context.Json)
                {
                    context.WriteJson(created);
                }
                else
                {
                    context.Line(created.Id);
                }

                return ExitCodes.Ok;
            }

            if (!context.Json)
            {
                CliContext.Error.WriteLine($"Build {created.Id} requested; following it (Ctrl+C stops following, not the build).");
            }

            return await FollowAsync(context, created.Id, context.Json ? BuildWatch.View.Quiet : Terminal.IsLive(context.Out) ? BuildWatch.View.Table : BuildWatch.View.States, cancellation);
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "The build's id" };
        var command = new Command("show", "Show a build: its targets, their state, wheels and reason, and pip's last lines of the targets that failed") { id };
        command.SetCallAction("read", async (context, parse, cancellation) =>
        {
            var client = new BuildService.BuildServiceClient(context.Invoker);
            var build = await client.GetBuildAsync(new GetBuildRequest { Id = parse.GetValue(id) }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(build);
                return ExitCodes.Ok;
            }

            context.Line($"requirements: {string.Join(' ', build.Requirements)}{(build.NoDeps ? " (no dependencies)" : string.Empty)}{(build.Pre ? " (pre-releases allowed)" : string.Empty)}");
            context.Out.Write(BuildTables.Summary(build, DateTimeOffset.UtcNow));
            foreach (var target in build.Targets.Where(t => t.State is BuildState.Failed or BuildState.Cancelled && t.LogTail.Count > 0))
            {
                context.Line($"{target.Target}: pip's last lines");
                foreach (var line in target.LogTail)
                {
                    context.Line("  " + line);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Watch()
    {
        var id = new Argument<string>("ID") { Description = "The build's id" };
        var command = new Command("watch", "Print the build's log lines as pip writes them, until it ends; then the summary (exit code as with build --wait)") { id };
        command.SetCallAction("read", (context, parse, cancellation) =>
            FollowAsync(context, parse.GetValue(id)!, context.Json ? BuildWatch.View.Quiet : BuildWatch.View.Log, cancellation));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("ID") { Description = "The build's id" };
        var command = new Command("cancel", "Cancel every target of the build that has not finished (running pip processes are stopped)") { id };
        command.SetCallAction("build", async (context, parse, cancellation) =>
        {
            var client = new BuildService.BuildServiceClient(context.Invoker);
            var build = await client.CancelBuildAsync(new CancelBuildRequest { Id = parse.GetValue(id) }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(build);
            }
            else
            {
                context.Line($"Build {build.Id}: {BuildStates.Label(build.State)}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only builds in this state", HelpName = "STATE" };
        state.AcceptOnlyFromAmong([.. BuildStates.ByName.Keys]);
        var project = new Option<string?>("--project") { Description = "Only builds that request this project (any spelling)", HelpName = "NAME" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (at most 500)", DefaultValueFactory = _ => 50 };
        var command = new Command("builds", "List builds, newest first") { state, project, limit };
        command.SetCallAction("read", async (context, parse, cancellation) =>
        {
            var request = new ListBuildsRequest { Project = parse.GetValue(project) ?? string.Empty, PageSize = parse.GetValue(limit) };
            if (parse.GetValue(state) is { } name)
            {
                request.State = BuildStates.ByName[name];
            }

            var client = new BuildService.BuildServiceClient(context.Invoker);
            var response = await client.ListBuildsAsync(request, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
            }
            else
            {
                context.Out.Write(BuildTables.List(response.Builds));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> FollowAsync(CliContext context, string id, BuildWatch.View view, CancellationToken cancellation)
    {
        // Ctrl+C stops following, never the build: say how to pick it up again.
        using var interrupted = cancellation.Register(() => CliContext.Error.WriteLine($"Stopped following build {id}; it goes on ('pypiforge build watch {id}' follows it again, 'pypiforge build cancel {id}' stops it)."));
        var build = await BuildWatch.FollowAsync(context, id, view, cancellation);
        if (context.Json)
        {
            context.WriteJson(build);
        }
        else
        {
            context.Out.Write(BuildTables.Summary(build, DateTimeOffset.UtcNow));
            if (BuildStates.ExitCode(build) != ExitCodes.Ok)
            {
                CliContext.Error.WriteLine($"pypiforge: build {build.Id} {BuildStates.Label(build.State)}; 'pypiforge build show {build.Id}' shows pip's last lines.");
            }
        }

        return BuildStates.ExitCode(build);
    }
}
