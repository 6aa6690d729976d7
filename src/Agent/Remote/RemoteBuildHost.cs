using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;

namespace PypiForge.Agent.Remote;

/// <summary>The agent's side of a remote build: state, log lines and wheels go to the server over gRPC
/// (<c>pypiforge.v1.AgentService</c>). Calls are retried while the server is unreachable (e.g. restarting), within
/// <see cref="RetryWindow"/>, so a server restart loses no finished build.</summary>
public sealed class RemoteBuildHost(
    AgentService.AgentServiceClient client,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<RemoteBuildHost> logger) : IBuildHost, IDisposable
{
    /// <summary>How long a call to the server is retried while it does not answer.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromMinutes(10);

    /// <summary>What the agent says when the server refuses its token on BeginTarget.</summary>
    public const string TokenLacksAgentPermission =
        "The server refused this agent's token: this token lacks the agent permission; create one with `token create --permissions agent` "
        + "on the server (e.g. `token create --user agent --permissions read,agent`) and give it to the agent as Agent:Token (--token).";

    private const int ChunkBytes = 64 * 1024;
    private readonly ConcurrentDictionary<(string BuildId, string Target), RemoteLogSession> sessions = new();
    private Uri? indexUrl;

    public Uri IndexUrl => indexUrl ?? options.Value.IndexUrl ?? throw new InvalidOperationException("The index URL is known once the server has answered BeginTarget.");

    public async Task<BuildSpec?> BeginAsync(string buildId, string target, CancellationToken cancellationToken)
    {
        BeginTargetResponse response;
        try
        {
            response = await RetryAsync(
                "BeginTarget",
                () => client.BeginTargetAsync(new BeginTargetRequest { BuildId = buildId, Target = target }, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync,
                cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
        {
            // The first call of every job: a token without "agent" (e.g. a "build" token, which agents used before) ends here.
            AgentLog.TokenLacksAgentPermission(logger, ex.Status.Detail);
            throw new InvalidOperationException(TokenLacksAgentPermission + " The server said: " + ex.Status.Detail, ex);
        }

        // pip reads a private index with the build's own token from the server (in its environment), never the agent's.
        indexUrl = options.Value.IndexUrl ?? new UriBuilder(options.Value.Server!) { Port = response.HttpPort, Path = "/simple/" }.Uri;
        if (!response.Found)
        {
            return null;
        }

        var logPath = Path.Combine(options.Value.WorkDirectory ?? Path.GetTempPath(), "pypiforge-agent-logs", buildId, target + ".log");
        var session = new RemoteLogSession(client, buildId, target, response.Claim, time, logger);
        if (sessions.TryRemove((buildId, target), out var stale))
        {
            await stale.DisposeAsync();
        }

        sessions[(buildId, target)] = session;
        return new BuildSpec([.. response.Requirements], response.WithDependencies, response.Prerelease, logPath, session.Cancelled)
        {
            IndexToken = string.IsNullOrEmpty(response.IndexToken) ? null : response.IndexToken,
        };
    }

    public void Log(string buildId, string target, string line)
    {
        if (sessions.TryGetValue((buildId, target), out var session))
        {
            session.Add(line);
        }
    }

    public async Task<PublishedWheel> PublishAsync(string buildId, TargetTags target, string wheelPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var fileName = Path.GetFileName(wheelPath);
        var size = new FileInfo(wheelPath).Length;
        string sha256;
        await using (var hashed = File.OpenRead(wheelPath))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashed, cancellationToken));
        }

        var header = new PublishWheelHeader { BuildId = buildId, Target = target.Name, FileName = fileName, Size = size, Sha256 = sha256, Claim = ClaimOf(buildId, target.Name) };
        header.SupportedTags.AddRange(target.Supported.Select(static t => t.ToString()));
        try
        {
            var response = await RetryAsync("PublishWheel", () => SendAsync(header, wheelPath, cancellationToken), cancellationToken);
            return AgentProtoMapping.FromProto(response);
        }
        catch (RpcException ex) when (!Transient(ex.StatusCode))
        {
            // The server refused the wheel (it says why): the build shows it as rejected, like a wheel that failed the checks.
            return new PublishedWheel(fileName, size, sha256, WheelPublishOutcome.Rejected, $"the server refused it: {ex.Status.Detail}");
        }
    }

    public async Task<bool> CancelRequestedAsync(string buildId, string target)
    {
        try
        {
            var response = await client.AppendLogAsync(new AppendLogRequest { BuildId = buildId, Target = target, Claim = ClaimOf(buildId, target) }, deadline: Deadline());
            return response.CancelRequested;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    public async Task CompleteAsync(string buildId, string target, TargetOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var claim = ClaimOf(buildId, target);
        if (sessions.TryRemove((buildId, target), out var session))
        {
            await session.DisposeAsync();
        }

        var request = new CompleteTargetRequest
        {
            BuildId = buildId,
            Target = target,
            Claim = claim,
            State = outcome.State switch
            {
                TargetState.Succeeded => TargetOutcomeState.Succeeded,
                TargetState.Cancelled => TargetOutcomeState.Cancelled,
                _ => TargetOutcomeState.Failed,
            },
            Error = outcome.Error ?? string.Empty,
            Reason = outcome.Reason ?? string.Empty,
            FailureKind = AgentProtoMapping.ToProto(outcome.Kind),
            Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(outcome.Duration),
        };
        request.LogTail.AddRange(outcome.LogTail.TakeLast(200));
        request.Wheels.AddRange(outcome.Wheels.Select(AgentProtoMapping.ToProto));
        await RetryAsync("CompleteTarget", () => client.CompleteTargetAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        TryDeleteLocalLog(buildId);
    }

    public void Dispose()
    {
        foreach (var session in sessions.Values)
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // Empty when this agent did not begin the target: the server then refuses the call, as it should.
    private string ClaimOf(string buildId, string target) =>
        sessions.TryGetValue((buildId, target), out var session) ? session.Claim : string.Empty;

    private async Task<PublishWheelResponse> SendAsync(PublishWheelHeader header, string wheelPath, CancellationToken cancellationToken)
    {
        using var call = client.PublishWheel(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new PublishWheelChunk { Header = header }, cancellationToken);
            await using var file = File.OpenRead(wheelPath);
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await call.RequestStream.WriteAsync(new PublishWheelChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when ((ex is RpcException or InvalidOperationException) && !cancellationToken.IsCancellationRequested)
        {
            // The server answered before the stream ended (it refused the header, or the size): its status says why,
            // rather than the write's "cancelled".
        }

        return await call.ResponseAsync;
    }

    private async Task<T> RetryAsync<T>(string name, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + RetryWindow;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (Transient(ex.StatusCode) && !cancellationToken.IsCancellationRequested && time.GetUtcNow() + delay < deadline)
            {
                AgentLog.ServerUnavailable(logger, name, ex.Status.Detail, delay.TotalSeconds);
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    // The server is down, restarting or overloaded: worth another try. Anything else is an answer.
    internal static bool Transient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Aborted or StatusCode.Cancelled;

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime.AddSeconds(30);

    private void TryDeleteLocalLog(string buildId)
    {
        try
        {
            var folder = Path.Combine(options.Value.WorkDirectory ?? Path.GetTempPath(), "pypiforge-agent-logs", buildId);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Another target of the same build may still write there; it removes the folder when it ends.
        }
    }
}
