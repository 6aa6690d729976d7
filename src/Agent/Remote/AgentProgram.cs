using System.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Sandbox;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.Queue;
using PypiForge.Protos.V1;

namespace PypiForge.Agent.Remote;

/// <summary>The remote agent executable:
/// <c>PYPIFORGE_AGENT__TOKEN=… dotnet run --project src/Agent -- --server http://HOST:50051 --hangfire "Host=…" --Agent:Interpreters:0 python3.12</c>.
/// It serves its targets' queues in the shared PostgreSQL storage, reads sources from the server's /simple/ and
/// sends what it builds to the server, which publishes it.</summary>
public static class AgentProgram
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
        typeof(AgentProgram).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static async Task<int> Main(string[] args)
    {
        // An operator tool, not the agent: runs one command in the build sandbox (src/Agent/Sandbox/SandboxRunCommand.cs).
        if (args.Length > 0 && args[0] == SandboxRunCommand.Verb)
            return await SandboxRunCommand.RunAsync(args[1..]);

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

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = false });

        // A remote agent shares its queue with the server, so it is PostgreSQL unless configured otherwise.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Queue:Storage"] = nameof(QueueStorageKind.PostgreSql) });
        builder.Configuration.AddEnvironmentVariables("PYPIFORGE_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));
        builder.Services.AddRemoteBuildAgent(builder.Configuration);

        using var host = builder.Build();
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
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's message names the key, the value and the type in one line.
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start: " + ex.Message);
            return 2;
        }

        var remote = host.Services.GetRequiredService<IOptions<RemoteAgentOptions>>().Value;
        var queue = host.Services.GetRequiredService<IOptions<QueueOptions>>().Value;
        if (queue.Storage != QueueStorageKind.PostgreSql)
        {
            await Console.Error.WriteLineAsync("The PypiForge agent cannot start: Queue:Storage is InMemory, which only the server's embedded agent can share; give --hangfire \"Host=…\".");
            return 2;
        }

        AgentLog.RemoteStarted(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentProgram)), remote.Server!.ToString(), queue.Storage.ToString(), queue.Schema);
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

    /// <summary>An agent that reports to a remote server: Hangfire on the shared storage, the build agent, and the gRPC host.</summary>
    public static IServiceCollection AddRemoteBuildAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RemoteAgentOptions>().Bind(configuration.GetSection(AgentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RemoteAgentOptions>, RemoteAgentOptionsValidator>();
        services.AddHangfireQueue(configuration);
        services.AddSingleton(static sp => GrpcChannel.ForAddress(sp.GetRequiredService<IOptions<RemoteAgentOptions>>().Value.Server!));
        services.AddSingleton(static sp =>
        {
            var token = sp.GetRequiredService<IOptions<RemoteAgentOptions>>().Value.Token;
            CallInvoker invoker = sp.GetRequiredService<GrpcChannel>().CreateCallInvoker();
            if (!string.IsNullOrEmpty(token))
            {
                // Every call carries the agent's token; the server's "agent" policy checks it.
                invoker = invoker.Intercept(metadata =>
                {
                    metadata.Add("authorization", "Bearer " + token);
                    return metadata;
                });
            }

            return new AgentService.AgentServiceClient(invoker);
        });
        services.AddSingleton<RemoteBuildHost>();
        services.AddSingleton<IBuildHost>(static sp => sp.GetRequiredService<RemoteBuildHost>());
        services.AddBuildAgent(configuration);
        return services;
    }
}
