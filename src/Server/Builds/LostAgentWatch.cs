using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Queue;

namespace PypiForge.Server.Builds;

/// <summary>Notices, within a heartbeat of Queue:AgentTimeout, that the agent running a target is gone (killed, its
/// machine down) and shows it on the target: "agent … lost at T, runs again by T'". Which agent runs a target is
/// Hangfire's own knowledge (the job's Processing state names its server), and whether it lives is Hangfire's server
/// registry, as for <see cref="LiveTargets"/>. Only with PostgreSQL storage: there a dead agent's job waits
/// Queue:InvisibilityTimeout and then runs on another agent; the embedded agent lives and dies with this server.</summary>
public sealed class LostAgentWatch(
    BuildRecords records,
    JobStorage storage,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<LostAgentWatch> logger) : BackgroundService
{
    // The last heartbeat seen of each agent (touched by the one timer loop only).
    private readonly Dictionary<string, DateTime> heard = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Storage != QueueStorageKind.PostgreSql)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Check();
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The database is away; the next tick asks again.
                BuildsLog.AgentCheckFailed(logger, ex.Message);
            }
        }
    }

    /// <summary>Looks at the agent of every running target once; returns how many targets changed (lost, or back).</summary>
    internal int Check()
    {
        var running = records.RunningJobs();
        if (running.Count == 0)
        {
            heard.Clear();
            return 0;
        }

        var queue = options.Value;
        var now = time.GetUtcNow();
        var beats = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        foreach (var server in storage.GetMonitoringApi().Servers())
        {
            beats[server.Name] = server.Heartbeat;
            if (server.Heartbeat is { } beat)
            {
                heard[server.Name] = beat;
            }
        }

        var changed = 0;
        var held = new List<string>();
        using var connection = storage.GetConnection();
        foreach (var (buildId, target, jobId) in running)
        {
            var state = connection.GetStateData(jobId);
            string? agent;
            if (state?.Name != ProcessingState.StateName || state.Data is null || !state.Data.TryGetValue("ServerId", out agent) || agent is null)
            {
                continue; // not taken by an agent yet (e.g. enqueued again after a restart)
            }

            held.Add(agent);
            var known = beats.TryGetValue(agent, out var beat);
            // An agent taken out of the registry (by another agent's watchdog) keeps the last heartbeat seen here.
            DateTime? seen = beat ?? (heard.TryGetValue(agent, out var remembered) ? remembered : null);
            DateTimeOffset? last = seen is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
            var lost = !known || (last is { } heardAt && heardAt < now - queue.AgentTimeout);
            // The job's fetch time was last renewed before the agent died, so it is visible again by now + the
            // invisibility; an idle agent finds it at its next poll.
            var loss = lost ? new AgentLoss(agent, now, last, now + queue.InvisibilityTimeout + queue.PollInterval) : null;
            if (!records.NoteAgent(buildId, target, loss))
            {
                continue;
            }

            changed++;
            if (loss is not null)
            {
                BuildsLog.AgentLost(logger, buildId, target, loss.Describe());
            }
            else
            {
                BuildsLog.AgentBack(logger, buildId, target, agent);
            }
        }

        // Remember only agents still listed or still holding a running target.
        var holding = new HashSet<string>(held, StringComparer.Ordinal);
        foreach (var gone in heard.Keys.Where(name => !beats.ContainsKey(name) && !holding.Contains(name)).ToList())
        {
            heard.Remove(gone);
        }

        return changed;
    }
}
