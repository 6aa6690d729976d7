using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using PypiForge.Cli.Hosting;
using PypiForge.Cli.Packages;
using PypiForge.Protos.V1;
using Spectre.Console;

namespace PypiForge.Cli.Policy;

/// <summary>PolicyService (admin): <c>pypiforge allow-fresh PROJECT[==VERSION] --reason TEXT [--expires 2d]</c>,
/// <c>allow-fresh list</c>, <c>allow-fresh revoke ID</c>, and <c>pypiforge project-status NAME STATUS</c>.</summary>
public static class PolicyCommands
{
    private static readonly string[] Statuses = ["active", "archived", "quarantined", "deprecated"];

    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var allow = Allow();
        allow.Subcommands.Add(List());
        allow.Subcommands.Add(Revoke());
        root.Subcommands.Add(allow);
        root.Subcommands.Add(Status());
    }

    private static Command Allow()
    {
        var what = new Argument<string>("PROJECT[==VERSION]") { Description = "A project (every release of it) or one release" };
        var reason = new Option<string>("--reason") { Description = "Why it cannot wait (logged and listed)", Required = true, HelpName = "TEXT" };
        var expires = new Option<string?>("--expires") { Description = "How long the allowance lasts (90m, 12h, 2d, 1w, 1.12:00:00); default until revoked", HelpName = "DURATION" };
        var command = new Command("allow-fresh", "Let a fresh upstream release through the cooldown (Upstream:MinReleaseAge) now. 'allow-fresh list|revoke' for the allowances.")
        {
            what, reason, expires,
        };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var text = parse.GetValue(what)!;
            var release = text.Contains("==", StringComparison.Ordinal) ? FileOrRelease.Parse(text) : new FileOrRelease(null, text.Trim(), string.Empty);
            var request = new AllowFreshRequest { Project = release.Project, Version = release.Version, Reason = parse.GetValue(reason)! };
            if (parse.GetValue(expires) is { } expiry)
            {
                request.ExpiresAfter = Duration.FromTimeSpan(Expiry.Parse(expiry));
            }

            var client = new PolicyService.PolicyServiceClient(context.Invoker);
            var allowance = await client.AllowFreshAsync(request, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(allowance);
            }
            else
            {
                context.Line($"{allowance.Id}: {Describe(allowance)} may pass the cooldown{Until(allowance)}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the allowances (from the API and from Upstream:AllowFresh)");
        command.SetCallAction("admin", async (context, _, cancellation) =>
        {
            var client = new PolicyService.PolicyServiceClient(context.Invoker);
            var response = await client.ListAllowFreshAsync(new ListAllowFreshRequest(), cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
                return ExitCodes.Ok;
            }

            var table = new Table();
            table.AddColumns("Id", "Release", "Reason", "By", "Expires");
            foreach (var allowance in response.Allowances)
            {
                table.AddRow(new Text(allowance.Id), new Text(Describe(allowance)), new Text(allowance.Reason), new Text(allowance.AllowedBy), new Text(Format(allowance.Expires) ?? "never"));
            }

            context.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("ID") { Description = "The allowance's id ('pypiforge allow-fresh list')" };
        var command = new Command("revoke", "Revoke an allowance: the cooldown applies again") { id };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var client = new PolicyService.PolicyServiceClient(context.Invoker);
            var response = await client.RevokeAllowFreshAsync(new RevokeAllowFreshRequest { Id = parse.GetValue(id) }, cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(response);
            }
            else
            {
                CliContext.Error.WriteLine($"Allowance {parse.GetValue(id)} revoked.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status()
    {
        var name = new Argument<string>("NAME") { Description = "A project served here" };
        var status = new Argument<string>("STATUS") { Description = string.Join(", ", Statuses) };
        status.AcceptOnlyFromAmong(Statuses);
        var reason = new Option<string?>("--reason") { Description = "Shown with the status on the project's index pages", HelpName = "TEXT" };
        var command = new Command("project-status", "Set a project's PEP 792 status (active, archived, quarantined, deprecated)") { name, status, reason };
        command.SetCallAction("admin", async (context, parse, cancellation) =>
        {
            var client = new PolicyService.PolicyServiceClient(context.Invoker);
            var info = await client.SetProjectStatusAsync(
                new SetProjectStatusRequest { Project = parse.GetValue(name), Status = parse.GetValue(status), Reason = parse.GetValue(reason) ?? string.Empty },
                cancellationToken: cancellation);
            if (context.Json)
            {
                context.WriteJson(info);
            }
            else
            {
                context.Line($"{parse.GetValue(name)}: {info.Status}{(info.Reason.Length > 0 ? " (" + info.Reason + ")" : string.Empty)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(FreshAllowance allowance) =>
        allowance.Version.Length > 0 ? $"{allowance.Project}=={allowance.Version}" : $"{allowance.Project} (every release)";

    private static string Until(FreshAllowance allowance) => Format(allowance.Expires) is { } until ? " until " + until : " until revoked";

    private static string? Format(Timestamp? time) =>
        time?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
