using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Queue;

namespace PypiForge.Agent.Remote;

/// <summary>The remote agent's command line and start-up (the steps of <see cref="Program.Main"/>):
/// <c>PYPIFORGE_AGENT__TOKEN=… dotnet run --project src/Agent -- --server http://HOST:50051 --hangfire "Host=…" --Agent:Interpreters:0 python3.12</c>.
/// It serves its targets' queues in the shared PostgreSQL storage, reads sources from the server's /simple/ and
/// sends what it builds to the server, which publishes it.</summary>
public static class RemoteAgent
{
    /// <summary>Short command-line switches for the keys an agent needs.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--server"] = "Agent:Server",
        ["--token"] = "Agent:Token",
        ["--hangfire"] = "Queue:ConnectionString",
        ["--index-url"] = "Agent:IndexUrl",
    };

    private const string Usage = """
        PypiForge remote build agent: serves its targets' queues in the shared PostgreSQL queue, builds wheels with
        pip in a sandbox and sends them to the server, which publishes them.

        Usage:
          PypiForge.Agent --server http://HOST:50051 --hangfire "Host=db;Database=pypiforge;..." [options]
          PypiForge.Agent sandbox-run ...      run one command in the build sandbox (an operator's tool)
          PypiForge.Agent --help | --version

        Options (each is a configuration key; `--Section:Key value` sets any key):
          --server URL          the server's gRPC address (Agent:Server), required
          --hangfire TEXT       the Npgsql connection string of the shared queue (Queue:ConnectionString), required
          --index-url URL       the index pip reads from (Agent:IndexUrl); default: the server's /simple/
          --Agent:Interpreters:0 python3.12, --Agent:Targets:0:Root /srv/roots/bookworm-i386, --Agent:WorkerCount 2, ...

        The token (Agent:Token, created on the server with `token create --user agent --permissions agent`) belongs
        in the environment, not on the command line where `ps` shows it:
          PYPIFORGE_AGENT__TOKEN=pypf_... PypiForge.Agent --server ...
        Every key can be set so: PYPIFORGE_ + the key with "__" for ":" (PYPIFORGE_QUEUE__CONNECTIONSTRING).
        """;

    private static string Version =>
        typeof(RemoteAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Answers --help and --version, and refuses a switch no key knows (exit code 2, one line naming it); null
    /// when the arguments ask for the agent itself.</summary>
    public static async Task<int?> AnswerAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["help", ..] || args.Any(static a => a is "--help" or "-h" or "-?"))
        {
            await Console.Out.WriteLineAsync(Usage);
            return 0;
        }

        if (args.Any(static a => a == "--version"))
        {
            await Console.Out.WriteLineAsync("PypiForge agent " + Version);
            return 0;
        }

        if (AgentCommandLine.Refusal(args, SwitchMappings) is { } refusal)
        {
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start: " + refusal);
            return 2;
        }

        return null;
    }

    /// <summary>The agent's host builder with its configuration: defaults, PYPIFORGE_ environment variables, then the
    /// command line with its short switches.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = false });

        // A remote agent shares its queue with the server, so it is PostgreSQL unless configured otherwise.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Queue:Storage"] = nameof(QueueStorageKind.PostgreSql) });
        builder.Configuration.AddEnvironmentVariables("PYPIFORGE_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));
        return builder;
    }

    /// <summary>Checks the configuration (exit code 2 with every mistake when it is invalid), then runs the agent until it
    /// is stopped (0) or its queue storage cannot be reached (1).</summary>
    /// <param name="args">The command line, so that a failure whose value came from the environment names the variable.</param>
    public static async Task<int> RunAsync(IHost host, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException { InnerExceptions: [OptionsValidationException, ..] })
        {
            // Several invalid sections arrive together as an AggregateException of the validators' exceptions.
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start, the configuration is invalid:");
            var failures = ex is AggregateException aggregate
                ? aggregate.InnerExceptions.OfType<OptionsValidationException>().SelectMany(static e => e.Failures)
                : ((OptionsValidationException)ex).Failures;
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + AgentCommandLine.NamingTheVariable(failure, args ?? [], SwitchMappings));
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's message names the key, the value and the type in one line.
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start: " + ex.Message);
            return 2;
        }

        var remote = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var queue = host.Services.GetRequiredService<IOptions<QueueOptions>>().Value;
        if (queue.Storage != QueueStorageKind.PostgreSql)
        {
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start: Queue:Storage is InMemory, which only the server's embedded agent can share; give --hangfire \"Host=…\".");
            return 2;
        }

        AgentLog.RemoteStarted(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RemoteAgent)), remote.Server!.ToString(), queue.Storage.ToString(), queue.Schema);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Npgsql.NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"The PypiForge agent cannot reach its queue storage (Queue:ConnectionString, --hangfire): {ex.Message}");
            return 1;
        }
    }
}
