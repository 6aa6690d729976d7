using Grpc.Core;
using Microsoft.Extensions.Options;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.Queue;
using PypiForge.Protos.V1;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Builds;

/// <summary>The internal gRPC service remote agents report to: the same calls the embedded agent makes in-process
/// (<see cref="ServerBuildHost"/>), plus the wheel upload. The server stays the only writer of the package folder.
/// Callers need the "agent" permission, and every call after BeginTarget the claim it returned (<see cref="HeldTargets"/>).
/// It checks and maps messages and nothing else.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Auth.Policies.Agent)]
public sealed class AgentGrpcService(
    ServerBuildHost host,
    HeldTargets held,
    RemoteWheelReceiver receiver,
    ServerEndpoints endpoints,
    IOptions<QueueOptions> options,
    ILogger<AgentGrpcService> logger) : AgentService.AgentServiceBase
{
    private const int MaxLinesPerCall = 2_000;
    private const int MaxLineLength = 16 * 1024;

    public override Task<BeginTargetResponse> BeginTarget(BeginTargetRequest request, ServerCallContext context)
    {
        RequireIds(request.BuildId, request.Target);
        var (spec, claim) = host.BeginRemote(request.BuildId, request.Target);
        var response = new BeginTargetResponse { Found = spec is not null, HttpPort = endpoints.HttpBaseUri.Port };
        if (spec is not null)
        {
            response.Claim = claim ?? string.Empty;
            response.Requirements.AddRange(spec.Requirements);
            response.WithDependencies = spec.WithDependencies;
            response.Prerelease = spec.Prerelease;
            response.IndexToken = spec.IndexToken ?? string.Empty;
        }

        return Task.FromResult(response);
    }

    public override async Task<AppendLogResponse> AppendLog(AppendLogRequest request, ServerCallContext context)
    {
        RequireIds(request.BuildId, request.Target);
        if (request.Lines.Count > MaxLinesPerCall)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"At most {MaxLinesPerCall} lines per AppendLog call; send them in batches."));
        }

        var target = held.Require(request.BuildId, request.Target, request.Claim);
        var lines = request.Lines.Select(static l => l.Length > MaxLineLength ? l[..MaxLineLength] + "…" : l).ToList();
        var cancelRequested = await host.AppendRemoteLogAsync(target, request.Target, lines, context.CancellationToken);
        return new AppendLogResponse { CancelRequested = cancelRequested };
    }

    public override async Task<PublishWheelResponse> PublishWheel(IAsyncStreamReader<PublishWheelChunk> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var wheel = await receiver.ReceiveAsync(requestStream, options.Value.MaxWheelBytes, context.CancellationToken);
            return AgentProtoMapping.ToProto(wheel);
        }
        catch (RpcException ex)
        {
            BuildsLog.PublishRefused(logger, context.Peer, ex.StatusCode.ToString(), ex.Status.Detail);
            throw;
        }
    }

    public override async Task<CompleteTargetResponse> CompleteTarget(CompleteTargetRequest request, ServerCallContext context)
    {
        RequireIds(request.BuildId, request.Target);
        _ = held.Require(request.BuildId, request.Target, request.Claim);
        var state = request.State switch
        {
            TargetOutcomeState.Succeeded => TargetState.Succeeded,
            TargetOutcomeState.Failed => TargetState.Failed,
            TargetOutcomeState.Cancelled => TargetState.Cancelled,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "state must be SUCCEEDED, FAILED or CANCELLED.")),
        };
        var outcome = new TargetOutcome(
            state,
            string.IsNullOrEmpty(request.Error) ? null : request.Error,
            [.. request.LogTail.TakeLast(TargetRecord.TailLines)],
            [.. request.Wheels.Select(AgentProtoMapping.FromProto)],
            request.Duration?.ToTimeSpan() ?? TimeSpan.Zero,
            OneLine(request.Reason),
            AgentProtoMapping.FromProto(request.FailureKind));
        await host.CompleteAsync(request.BuildId, request.Target, outcome, context.CancellationToken);
        return new CompleteTargetResponse();
    }

    /// <summary>The agent's reason as one line of at most <see cref="TargetRecord.MaxReasonLength"/> characters (null when empty).</summary>
    private static string? OneLine(string reason) => TargetRecord.OneLine(reason);

    private static void RequireIds(string buildId, string target)
    {
        if (string.IsNullOrEmpty(buildId) || string.IsNullOrEmpty(target))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "build_id and target are required."));
        }
    }
}
