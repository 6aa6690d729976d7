using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;

namespace PypiForge.Server.Builds;

/// <summary>The gRPC BuildService: maps messages to a <see cref="BuildRequest"/> and queries, the scheduler's and the
/// records' answers back to messages, and refusals to status codes. Nothing else.</summary>
public sealed class BuildGrpcService(BuildScheduler scheduler, BuildRecords records) : BuildService.BuildServiceBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    [Authorize(Policy = Policies.Build)]
    public override async Task<Build> RequestBuild(RequestBuildRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var result = await scheduler.ScheduleAsync(new BuildRequest(
            [.. request.Requirements], [.. request.Targets], !request.NoDeps, request.Pre, string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey),
            context.CancellationToken);
        return result switch
        {
            ScheduleResult.Accepted accepted => BuildMapping.ToProto(accepted.Build),
            ScheduleResult.NoAgents refused => throw Fail(StatusCode.FailedPrecondition, refused.Reason),
            ScheduleResult.NotApplicable refused => throw Fail(StatusCode.FailedPrecondition, refused.Reason),
            ScheduleResult.NotQueued refused => throw Fail(StatusCode.Unavailable, refused.Reason),
            _ => throw Fail(StatusCode.InvalidArgument, result.Refusal!),
        };
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<Build> GetBuild(GetBuildRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(BuildMapping.ToProto(records.Find(request.Id) ?? throw NotFound(request.Id)));
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<ListBuildsResponse> ListBuilds(ListBuildsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pageSize = request.PageSize <= 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var offset = 0;
        if (!string.IsNullOrEmpty(request.PageToken) && (!int.TryParse(request.PageToken, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw Fail(StatusCode.InvalidArgument, "page_token is not one this server gave out; start without it.");
        }

        var project = string.IsNullOrWhiteSpace(request.Project) ? null : request.Project.Trim();
        var matching = records.List(BuildMapping.FromProto(request.State), project, offset, pageSize + 1);
        var response = new ListBuildsResponse
        {
            NextPageToken = matching.Count > pageSize ? (offset + pageSize).ToString(CultureInfo.InvariantCulture) : string.Empty,
        };
        response.Builds.AddRange(matching.Take(pageSize).Select(BuildMapping.ToProto));
        return Task.FromResult(response);
    }

    [Authorize(Policy = Policies.Build)]
    public override Task<Build> CancelBuild(CancelBuildRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(BuildMapping.ToProto(scheduler.Cancel(request.Id) ?? throw NotFound(request.Id)));
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task WatchBuild(WatchBuildRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var changes = records.Watch(request.Id) ?? throw NotFound(request.Id);
        await foreach (var change in changes.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(BuildMapping.ToProto(change), context.CancellationToken);
        }
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<ListTargetsResponse> ListTargets(ListTargetsRequest request, ServerCallContext context)
    {
        var response = new ListTargetsResponse();
        response.Targets.AddRange(scheduler.Targets());
        return Task.FromResult(response);
    }

    private static RpcException NotFound(string? id) =>
        Fail(StatusCode.NotFound, $"No build with id '{id}'. ListBuilds shows the builds this server knows.");

    private static RpcException Fail(StatusCode code, string message) => new(new Status(code, message));
}
