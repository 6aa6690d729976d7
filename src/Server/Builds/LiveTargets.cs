using Hangfire;
using PypiForge.Agent.Building;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Queue;
using PypiForge.Packaging;
using PypiForge.Protos.V1;

namespace PypiForge.Server.Builds;

/// <summary>The targets some live agent serves, read from Hangfire's own server registry and queues — no registry of ours.</summary>
/// <remarks>An agent whose last heartbeat is older than Queue:AgentTimeout counts as dead even before a live Hangfire server
/// removes it from the registry (with only remote agents, a dead one may be the last to have done that). A target's full Python version is known for the embedded agent's targets (its registry is in this process);
/// remote agents do not report theirs, so it stays empty for them.</remarks>
public sealed class LiveTargets(JobStorage storage, IOptions<QueueOptions> options, TimeProvider time, TargetRegistry? embedded = null) : ILiveTargets
{
    public IReadOnlyList<Target> List(Func<string, long> running)
    {
        var monitoring = storage.GetMonitoringApi();
        var byTarget = new SortedDictionary<string, Target>(StringComparer.Ordinal);
        var oldest = time.GetUtcNow().UtcDateTime - options.Value.AgentTimeout;
        foreach (var server in monitoring.Servers())
        {
            if (server.Heartbeat is { } beat && DateTime.SpecifyKind(beat, DateTimeKind.Utc) < oldest)
            {
                continue;
            }

            foreach (var queue in server.Queues)
            {
                // Only target queues: a target's queue name is its tag triple.
                if (!WheelTag.TryParse(queue, out var tag))
                {
                    continue;
                }

                if (!byTarget.TryGetValue(queue, out var target))
                {
                    target = new Target
                    {
                        Name = queue,
                        InterpreterTag = tag.Interpreter,
                        AbiTag = tag.Abi,
                        PlatformTag = tag.Platform,
                        Queued = monitoring.EnqueuedCount(queue),
                        Running = running(queue),
                        PythonVersion = embedded?.Find(queue)?.PythonVersion ?? string.Empty,
                    };
                    byTarget[queue] = target;
                }

                var agent = new AgentInfo { Id = server.Name, Workers = server.WorkersCount };
                if (server.Heartbeat is { } heartbeat)
                {
                    agent.LastHeartbeat = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(heartbeat, DateTimeKind.Utc));
                }

                target.Agents.Add(agent);
            }
        }

        return [.. byTarget.Values];
    }

    public IReadOnlyList<string> Names() => [.. List(static _ => 0).Select(static t => t.Name)];
}
