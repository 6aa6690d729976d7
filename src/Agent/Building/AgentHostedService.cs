using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Queue;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Building;

/// <summary>Discovers this agent's targets by running its interpreters, then starts a Hangfire server that serves
/// exactly those targets' queues. Hangfire's server registry is then the list of live agents and their targets.</summary>
public sealed class AgentHostedService(
    IOptions<AgentOptions> options,
    IOptions<QueueOptions> queueOptions,
    TargetDiscovery discovery,
    BuildSandbox sandbox,
    TargetRegistry registry,
    JobStorage storage,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<AgentHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private BackgroundJobServer? server;
    private Task? starting;
    private Task? sweeping;

    /// <summary>Discovery runs interpreters (a few hundred ms each): it happens in the background so the index is up at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var workDirectory = options.Value.WorkDirectory ?? Path.GetTempPath();
        Sweep(workDirectory);
        starting = Task.Run(() => DiscoverAndServeAsync(stopping.Token), CancellationToken.None);
        sweeping = Task.Run(() => SweepAsync(workDirectory, stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Folders of killed builds go at start, and then every Queue:AgentTimeout: an agent sharing the work
    /// directory may be killed while this one runs (its build then runs here, and its folder would stay until a restart).
    /// A running build's folder is never touched (<see cref="BuildFolder"/>'s lock).</summary>
    private async Task SweepAsync(string workDirectory, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(queueOptions.Value.AgentTimeout, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Sweep(workDirectory);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Sweep(string workDirectory)
    {
        try
        {
            var stale = BuildFolder.RemoveStale(workDirectory, logger);
            if (stale > 0)
            {
                AgentLog.StaleBuildFoldersRemoved(logger, stale, workDirectory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.CleanupFailed(logger, workDirectory, ex.Message);
        }
    }

    private async Task DiscoverAndServeAsync(CancellationToken cancellationToken)
    {
        if (sandbox.Mode == SandboxMode.None)
        {
            AgentLog.SandboxOff(logger);
        }
        else if (await sandbox.ProblemAsync() is { } problem)
        {
            // Safe by default: no sandbox, no builds. The index goes on serving.
            AgentLog.SandboxUnavailable(logger, problem);
            return;
        }

        var sources = options.Value.Interpreters.Select(static (interpreter, i) => ($"Agent:Interpreters:{i}", interpreter, (string?)null))
            .Concat(options.Value.Targets.Select(static (t, i) => ($"Agent:Targets:{i}", t.Interpreter ?? string.Empty, t.Root)));
        foreach (var (key, interpreter, root) in sources)
        {
            try
            {
                var target = await discovery.DiscoverAsync(interpreter, root, cancellationToken);
                if (registry.TryAdd(target))
                {
                    AgentLog.TargetReady(logger, target.Name, target.Interpreter, target.PythonVersion, target.Environment.Describe());
                }
                else
                {
                    AgentLog.TargetDuplicate(logger, interpreter, registry.Find(target.Name)!.Interpreter, target.Name);
                }
            }
            catch (TargetDiscoveryException ex)
            {
                // One broken interpreter must not stop the index; the others still build.
                AgentLog.TargetUnusable(logger, key, interpreter, ex.Message);
            }
        }

        var queues = registry.All.Select(static t => BuildQueues.ForTarget(t.Name)).ToArray();
        if (queues.Length == 0)
        {
            return;
        }

        server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                Queues = queues,
                WorkerCount = Math.Max(1, options.Value.WorkerCount),
                ServerName = $"agent-{Environment.MachineName}-{Environment.ProcessId}",
                // Each host gets its own activator: Hangfire's global one would be shared by every host in the process.
                Activator = new AspNetCoreJobActivator(scopes),
                // How soon a deleted (cancelled) job's token fires when the host could not signal it directly.
                CancellationCheckInterval = TimeSpan.FromSeconds(1),
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
                // The registry of live agents: a killed agent stops beating and is removed after AgentTimeout.
                HeartbeatInterval = queueOptions.Value.HeartbeatInterval,
                ServerTimeout = queueOptions.Value.AgentTimeout,
                ServerCheckInterval = queueOptions.Value.HeartbeatInterval,
            },
            storage);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (starting is not null)
        {
            try
            {
                await starting.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopped while discovering: nothing was started.
            }
        }

        if (sweeping is not null)
        {
            await sweeping.WaitAsync(cancellationToken);
        }

        server?.SendStop();
    }

    public void Dispose()
    {
        server?.Dispose();
        stopping.Dispose();
    }
}
