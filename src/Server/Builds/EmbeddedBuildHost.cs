using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using PypiForge.Agent.Building;
using PypiForge.Agent.Targets;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Hosting;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Builds;

/// <summary>The server side of the in-process agent: build state, logs and publishing, without a network hop.</summary>
public sealed class EmbeddedBuildHost(
    BuildCoordinator coordinator,
    WheelPublisher publisher,
    ServerEndpoints endpoints,
    AccessPolicy access,
    TokenStore tokens,
    TimeProvider time,
    ILogger<EmbeddedBuildHost> logger) : IBuildHost
{
    // A build's read token lives until the build ends, and at most this long if its agent never says so.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<(string BuildId, string Target), string> buildTokens = new();

    /// <summary>This server's index, without credentials: on a private index each build gets a read token of its own.</summary>
    public Uri IndexUrl { get; } = new(endpoints.HttpBaseUri, "simple/");

    /// <summary>A read token for one build target on a private index (null on a public one), revoked when the target ends.
    /// The embedded agent and remote agents (through BeginTarget) hand it to pip in its environment, not on its command line.</summary>
    private string? TokenFor(string buildId, string target)
    {
        if (access.AnonymousRead)
        {
            return null;
        }

        return buildTokens.GetOrAdd((buildId, target), key =>
            tokens.CreateInternal($"build {key.BuildId} {key.Target}", Permissions.Read, time.GetUtcNow() + TokenLifetime));
    }

    private void EndToken(string buildId, string target)
    {
        if (buildTokens.TryRemove((buildId, target), out var token))
        {
            tokens.RevokeInternal(token);
        }
    }

    public Task<BuildSpec?> BeginAsync(string buildId, string target, CancellationToken cancellationToken) =>
        Task.FromResult(Begin(buildId, target, remote: false).Spec);

    /// <summary>As <see cref="BeginAsync"/>, for a remote agent: also a new claim on the target, which the agent's later
    /// calls present (<see cref="HeldTargets"/>); any earlier claim on it stops working.</summary>
    internal (BuildSpec? Spec, string? Claim) BeginRemote(string buildId, string target) => Begin(buildId, target, remote: true);

    private (BuildSpec? Spec, string? Claim) Begin(string buildId, string target, bool remote)
    {
        var record = coordinator.TryFind(buildId);
        if (record is null)
        {
            return (null, null);
        }

        BuildSpec? spec = null;
        string? claim = null;
        lock (record.Sync)
        {
            var state = record.Find(target);
            if (state is not null && !state.IsFinished && !state.CancelRequested)
            {
                state.State = TargetState.Running;
                state.StartedAt = time.GetUtcNow();
                if (remote)
                {
                    claim = state.Claim();
                }
                else
                {
                    state.Release();
                }

                Directory.CreateDirectory(Path.GetDirectoryName(state.LogPath)!);
                spec = new BuildSpec(record.Requirements, record.WithDependencies, record.Prerelease, state.LogPath, state.Cancellation.Token)
                {
                    IndexToken = TokenFor(buildId, target),
                };
            }
        }

        if (spec is not null)
        {
            coordinator.Persist(record);
        }

        BuildCoordinator.Publish(record, null);
        return (spec, claim);
    }

    public void Log(string buildId, string target, string line)
    {
        var record = coordinator.TryFind(buildId);
        if (record is null)
        {
            return;
        }

        lock (record.Sync)
        {
            record.Find(target)?.AddLine(line);
        }

        BuildCoordinator.Publish(record, new LogLine { Target = target, Line = line, Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) });
    }

    public async Task<PublishedWheel> PublishAsync(string buildId, BuildTarget target, string wheelPath, CancellationToken cancellationToken) =>
        Logged(buildId, await publisher.PublishAsync(target, wheelPath, cancellationToken));

    /// <summary>As <see cref="PublishAsync(string, BuildTarget, string, CancellationToken)"/>, for bytes a remote agent
    /// streamed, already staged in the package root and hashed.</summary>
    internal async Task<PublishedWheel> PublishAsync(string buildId, BuildTarget target, StagedFile staged, CancellationToken cancellationToken) =>
        Logged(buildId, await publisher.PublishAsync(target, staged, cancellationToken));

    private PublishedWheel Logged(string buildId, PublishedWheel result)
    {
        if (result.Outcome == WheelPublishOutcome.Published)
        {
            BuildsLog.Published(logger, result.FileName, buildId);
        }
        else if (result.Outcome is WheelPublishOutcome.Conflict or WheelPublishOutcome.Rejected)
        {
            BuildsLog.NotPublished(logger, result.FileName, buildId, result.Detail ?? result.Outcome.ToString());
        }

        return result;
    }

    public Task<bool> CancelRequestedAsync(string buildId, string target)
    {
        var record = coordinator.TryFind(buildId);
        if (record is null)
        {
            return Task.FromResult(false);
        }

        lock (record.Sync)
        {
            return Task.FromResult(record.Find(target)?.CancelRequested ?? false);
        }
    }

    public Task CompleteAsync(string buildId, string target, TargetOutcome outcome, CancellationToken cancellationToken)
    {
        EndToken(buildId, target);
        var record = coordinator.TryFind(buildId);
        if (record is null)
        {
            return Task.CompletedTask;
        }

        lock (record.Sync)
        {
            var state = record.Find(target);
            if (state is null)
            {
                return Task.CompletedTask;
            }

            state.Release();
            state.Wheels.Clear();
            state.Wheels.AddRange(outcome.Wheels);
            state.Duration = outcome.Duration;
            state.Error = outcome.Error;
            if (outcome.LogTail.Count > 0 && state.Tail.Count == 0)
            {
                foreach (var line in outcome.LogTail)
                {
                    state.AddLine(line);
                }
            }

            coordinator.Finish(record, state, outcome.State, outcome.Error);
        }

        coordinator.Persist(record);
        BuildsLog.TargetEnded(logger, buildId, target, outcome.State.ToString());
        BuildCoordinator.Publish(record, null);
        return Task.CompletedTask;
    }
}
