using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.Queue;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The watch on the agents of running targets, over a Hangfire storage of its own: the agent is the server the
/// job's Processing state names, alive while its heartbeat is younger than Queue:AgentTimeout.</summary>
public sealed class LostAgentWatchSpecs : IDisposable
{
    private const string Agent = "agent-host-4242:0d3e";
    private static readonly QueueOptions Queue = new()
    {
        Storage = QueueStorageKind.PostgreSql,
        HeartbeatInterval = TimeSpan.FromSeconds(10),
        AgentTimeout = TimeSpan.FromMinutes(1),
        InvisibilityTimeout = TimeSpan.FromMinutes(1),
        PollInterval = TimeSpan.FromSeconds(1),
    };

    private readonly BuildParts parts = new();
    private readonly InMemoryStorage storage = new(new InMemoryStorageOptions());
    private readonly LostAgentWatch watch;

    public LostAgentWatchSpecs()
    {
        // The storage stamps heartbeats with the real clock; the watch's clock starts there.
        parts.Time.SetUtcNow(DateTimeOffset.UtcNow);
        watch = new LostAgentWatch(parts.Records, storage, Options.Create(Queue), parts.Time, NullLogger<LostAgentWatch>.Instance);
    }

    public void Dispose()
    {
        storage.Dispose();
        parts.Dispose();
    }

    [Fact]
    public void A_target_whose_agent_stops_beating_is_shown_lost_until_another_agent_begins_it()
    {
        var build = RunningOn(Agent);
        Assert.Equal(0, watch.Check());
        Assert.Null(Target(build).AgentLost);
        var beat = parts.Time.GetUtcNow();

        parts.Time.Advance(Queue.AgentTimeout + TimeSpan.FromSeconds(5));
        var saves = parts.Store.Saves.Count;
        Assert.Equal(1, watch.Check());

        var target = Target(build);
        Assert.Equal(TargetState.Running, target.State);
        var lost = Assert.IsType<AgentLoss>(target.AgentLost);
        Assert.Equal(Agent, lost.Agent);
        Assert.Equal(parts.Time.GetUtcNow(), lost.LostAt);
        Assert.InRange(lost.LastHeartbeat!.Value, beat - TimeSpan.FromSeconds(5), beat + TimeSpan.FromSeconds(5));
        Assert.Equal(lost.LostAt + Queue.InvisibilityTimeout + Queue.PollInterval, lost.RunsAgainBy);
        Assert.StartsWith($"agent {Agent} lost at ", lost.Describe(), StringComparison.Ordinal);
        Assert.Equal(saves + 1, parts.Store.Saves.Count);
        Assert.Equal(lost, parts.Store.Saves[^1].Targets[0].AgentLost);
        // The API's one-line reason says so while the target waits to run again.
        var shown = BuildMapping.ToProto(parts.Records.Find(build)!).Targets[0];
        Assert.Equal((Protos.V1.FailureKind.AgentLost, lost.Describe()), (shown.FailureKind, shown.Reason));

        // Noted once: the next looks change nothing, even after another agent's watchdog drops it from the registry.
        parts.Time.Advance(Queue.HeartbeatInterval);
        Assert.Equal(0, watch.Check());
        using (var connection = storage.GetConnection())
        {
            connection.RemoveServer(Agent);
        }

        Assert.Equal(0, watch.Check());
        Assert.Equal(lost, Target(build).AgentLost);

        parts.Records.Begin(build, BuildParts.Cp311, remote: true);
        Assert.Null(Target(build).AgentLost);
        Assert.Equal(Protos.V1.FailureKind.Unspecified, BuildMapping.ToProto(parts.Records.Find(build)!).Targets[0].FailureKind);
    }

    [Fact]
    public void An_agent_gone_from_the_registry_keeps_the_last_heartbeat_the_watch_saw()
    {
        var build = RunningOn(Agent);
        Assert.Equal(0, watch.Check());
        using (var connection = storage.GetConnection())
        {
            connection.RemoveServer(Agent);
        }

        Assert.Equal(1, watch.Check());

        var lost = Assert.IsType<AgentLoss>(Target(build).AgentLost);
        Assert.NotNull(lost.LastHeartbeat);
        Assert.Contains("last heartbeat", lost.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_whose_job_no_agent_has_taken_is_not_lost()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        var client = new BackgroundJobClient(storage);
        var jobId = client.Create(Job.FromExpression(() => Console.WriteLine()), new EnqueuedState());
        parts.Records.Queued(build.Id, new Dictionary<string, string> { [BuildParts.Cp311] = jobId });
        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: true);

        parts.Time.Advance(Queue.AgentTimeout * 2);

        Assert.Equal(0, watch.Check());
        Assert.Null(Target(build.Id).AgentLost);
    }

    // A build whose target runs on a Hangfire server named agent, which has just beaten.
    private string RunningOn(string agent)
    {
        var build = parts.Schedule(BuildParts.Cp311);
        using (var connection = storage.GetConnection())
        {
            connection.AnnounceServer(agent, new ServerContext { Queues = [BuildParts.Cp311], WorkerCount = 1 });
            connection.Heartbeat(agent);
        }

        var client = new BackgroundJobClient(storage);
        var jobId = client.Create(Job.FromExpression(() => Console.WriteLine()), new EnqueuedState());
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetJobState(jobId, new TakenBy(agent));
            transaction.Commit();
        }

        parts.Records.Queued(build.Id, new Dictionary<string, string> { [BuildParts.Cp311] = jobId });
        parts.Records.Begin(build.Id, BuildParts.Cp311, remote: true);
        return build.Id;
    }

    private TargetSnapshot Target(string buildId) => Assert.Single(parts.Records.Find(buildId)!.Targets);

    /// <summary>The Processing state a Hangfire worker of <paramref name="server"/> writes when it takes a job.</summary>
    private sealed class TakenBy(string server) : IState
    {
        public string Name => ProcessingState.StateName;

        public string? Reason => null;

        public bool IsFinal => false;

        public bool IgnoreJobLoadException => false;

        public Dictionary<string, string> SerializeData() => new() { ["ServerId"] = server, ["WorkerId"] = "worker-1" };
    }
}
