using System.ComponentModel;
using CliWrap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Sandbox;

/// <summary>The <c>sandbox-run</c> verb of the agent executable: runs one command in the build sandbox exactly as a build
/// would (the same discovery, scratch folder, wrappers, limits and environment), for operators and for bench/build-sandbox.sh.
/// Exits with the command's exit code, or 2 when it could not be started (usage, sandbox, discovery).</summary>
public static class SandboxRunCommand
{
    public const string Verb = "sandbox-run";

    private const string Usage = """
        Usage: PypiForge.Agent sandbox-run [--root DIR] [--scratch DIR] [--no-sandbox] [--Agent:Limits:MemoryMiB N ...] -- INTERPRETER ARGS...
          --root DIR       run INTERPRETER (an absolute path as the root sees it, e.g. /usr/bin/python3) in that root filesystem
          --scratch DIR    the scratch folder (/build inside; kept afterwards); default: a fresh temporary one, removed afterwards
          --no-sandbox     Agent:Sandbox=None, to compare with an unsandboxed run (not with --root)
          --Agent:KEY V    agent settings: Agent:Limits:*, Agent:Bubblewrap, Agent:SandboxReadOnlyPaths:N (PYPIFORGE_Agent__* too)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var separator = Array.IndexOf(args, "--");
        if (separator < 0 || separator == args.Length - 1)
            return Fail("give the command to run after --, e.g. sandbox-run -- python3 -c pass.");

        string? root = null, scratch = null;
        var noSandbox = false;
        var settings = new List<string>();
        for (var i = 0; i < separator; i++)
        {
            switch (args[i])
            {
                case "--root" or "--scratch" when i + 1 >= separator:
                    return Fail($"{args[i]} needs a folder, e.g. {args[i]} /var/cache/pypiforge/roots/bookworm-i386.");
                case "--root":
                    root = Path.GetFullPath(args[++i]);
                    break;
                case "--scratch":
                    scratch = Path.GetFullPath(args[++i]);
                    break;
                case "--no-sandbox":
                    noSandbox = true;
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && !setting.Contains('=', StringComparison.Ordinal) && i + 1 >= separator:
                    return Fail($"{setting} needs a value before --, e.g. --Agent:Limits:MemoryMiB 4096.");
                default:
                    settings.Add(args[i]);
                    break;
            }
        }

        AgentOptions options;
        try
        {
            var given = new ConfigurationBuilder().AddCommandLine([.. settings]).Build();
            if (given.GetChildren().FirstOrDefault(static c => !c.Key.Equals(AgentOptions.Section, StringComparison.OrdinalIgnoreCase)) is { } unknown)
                return Fail($"unknown option '--{unknown.Key}': sandbox-run takes --root, --scratch, --no-sandbox and agent settings (--Agent:Limits:MemoryMiB 4096).");
            options = new ConfigurationBuilder().AddEnvironmentVariables("PYPIFORGE_").AddConfiguration(given).Build().GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            return Fail($"{ex.Message} Give settings as --Agent:KEY VALUE.");
        }

        if (noSandbox && root is not null)
            return Fail("--root runs the root's programs in the sandbox; drop --no-sandbox.");
        options.Sandbox = noSandbox ? SandboxMode.None : options.Sandbox;
        if (new AgentOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            return Fail(string.Join(" ", invalid.Failures));

        var sandbox = new BuildSandbox(Options.Create(options), NullLogger<BuildSandbox>.Instance);
        if (await sandbox.ProblemAsync() is { } problem)
            return Fail(problem, usage: false);

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler interrupt = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += interrupt;
        var temporary = scratch is null ? Directory.CreateTempSubdirectory("pypiforge-sandbox-run-").FullName : null;
        try
        {
            var target = await new TargetDiscovery(sandbox, NullLogger<TargetDiscovery>.Instance).DiscoverAsync(args[separator + 1], root, cancel.Token);
            var interpreter = root is null ? ExecutableLocator.Find(target.Interpreter) ?? target.Interpreter : target.Interpreter;
            using var run = sandbox.Begin(Directory.CreateDirectory(scratch ?? Path.Combine(temporary!, "scratch")).FullName);
            var command = sandbox.Command(target.Environment, interpreter, args[(separator + 2)..], run);
            if (scratch is not null)
                await Console.Error.WriteLineAsync($"sandbox-run: {target.Environment.Describe()}, scratch folder {scratch} (kept; {run.InsideScratch} inside)");

            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            // In a session of its own, as a build is (PipWheelRunner): the same scheduling group and priorities.
            var (file, arguments) = Pip.ProcessGroup.Setsid is { } setsid
                ? (setsid, (IEnumerable<string>)[command.FileName, .. command.Arguments])
                : (command.FileName, command.Arguments);
            var child = Cli.Wrap(file)
                .WithArguments(arguments)
                .WithEnvironmentVariables(command.Environment)
                .WithWorkingDirectory(command.WorkingDirectory)
                .WithStandardInputPipe(PipeSource.Null)
                .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
                .WithStandardErrorPipe(PipeTarget.ToStream(stderr))
                .WithValidation(CommandResultValidation.None);
            var result = await SpawnThread.Start(() => child.ExecuteAsync(cancel.Token));
            return result.ExitCode;
        }
        catch (Exception ex) when (ex is TargetDiscoveryException or Win32Exception)
        {
            return Fail(ex.Message, usage: false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // CliWrap killed the process tree; the sandbox's processes die with it.
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= interrupt;
            if (temporary is not null)
                TryDelete(temporary);
        }
    }

    private static int Fail(string message, bool usage = true)
    {
        Console.Error.WriteLine($"sandbox-run: {message}");
        if (usage)
            Console.Error.WriteLine(Usage);
        return 2;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"sandbox-run: could not remove the scratch folder {folder}: {ex.Message}");
        }
    }
}
