using System.Collections.Concurrent;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Auth;
using PypiForge.Server.Hosting;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Builds;

/// <summary>The server's side of every build target, whichever agent runs it: the embedded agent calls it in-process (it
/// is that agent's <see cref="IBuildHost"/>), a remote agent through <see cref="AgentGrpcService"/> and
/// <see cref="RemoteWheelReceiver"/>. It adds what an agent needs around <see cref="BuildRecords"/> (a read token for a
/// private index, the log file of a remote agent) and publishes wheels through <see cref="WheelPublisher"/>.</summary>
/// <remarks>Was <c>EmbeddedBuildHost</c>, a name that hid that the remote publish path goes through it too.</remarks>
public sealed class ServerBuildHost(
    BuildRecords records,
    WheelPublisher publisher,
    ServerEndpoints endpoints,
    AccessPolicy access,
    TokenStore tokens,
    TimeProvider time,
    ILogger<ServerBuildHost> logger) : IBuildHost
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
        if (records.Begin(buildId, target, remote) is not { } start)
        {
            return (null, null);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(start.LogPath)!);
        var spec = new BuildSpec(start.Requirements, start.WithDependencies, start.Prerelease, start.LogPath, start.Cancelled)
        {
            IndexToken = TokenFor(buildId, target),
        };
        return (spec, start.Claim);
    }

    public void Log(string buildId, string target, string line) => records.AppendLog(buildId, target, line);

    /// <summary>A remote agent's lines: told to watchers and appended to the target's log file (the embedded agent's pip
    /// writes that file itself). Returns whether a person cancelled the build since.</summary>
    internal async Task<bool> AppendRemoteLogAsync(TargetHold.Held held, string target, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            records.AppendLog(held.BuildId, target, line);
        }

        if (lines.Count > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(held.LogPath)!);
            await File.AppendAllLinesAsync(held.LogPath, lines, cancellationToken);
        }

        return records.CancelRequested(held.BuildId, target);
    }

    public async Task<PublishedWheel> PublishAsync(string buildId, TargetTags target, string wheelPath, CancellationToken cancellationToken) =>
        Logged(buildId, await publisher.PublishAsync(target, wheelPath, cancellationToken));

    /// <summary>As <see cref="PublishAsync(string, TargetTags, string, CancellationToken)"/>, for bytes a remote agent
    /// streamed, already staged in the package root and hashed.</summary>
    internal async Task<PublishedWheel> PublishAsync(string buildId, TargetTags target, StagedFile staged, CancellationToken cancellationToken) =>
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

    public Task<bool> CancelRequestedAsync(string buildId, string target) => Task.FromResult(records.CancelRequested(buildId, target));

    public Task CompleteAsync(string buildId, string target, TargetOutcome outcome, CancellationToken cancellationToken)
    {
        EndToken(buildId, target);
        if (records.Complete(buildId, target, outcome))
        {
            BuildsLog.TargetEnded(logger, buildId, target, outcome.State.ToString());
        }
        else
        {
            BuildsLog.CompletionIgnored(logger, buildId, target, outcome.State.ToString());
        }

        return Task.CompletedTask;
    }
}
