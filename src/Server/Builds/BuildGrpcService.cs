using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;

namespace PypiForge.Server.Builds;

/// <summary>The gRPC BuildService: validates nothing itself, calls the coordinator, maps failures to status codes.</summary>
public sealed class BuildGrpcService(BuildCoordinator coordinator) : BuildService.BuildServiceBase
{
    [Authorize(Policy = Policies.Build)]
    public override Task<Build> RequestBuild(RequestBuildRequest request, ServerCallContext context) =>
        Task.FromResult(Call(() => coordinator.Request(request)));

    [Authorize(Policy = Policies.Read)]
    public override Task<Build> GetBuild(GetBuildRequest request, ServerCallContext context) =>
        Task.FromResult(Call(() => coordinator.Get(request.Id)));

    [Authorize(Policy = Policies.Read)]
    public override Task<ListBuildsResponse> ListBuilds(ListBuildsRequest request, ServerCallContext context) =>
        Task.FromResult(Call(() => coordinator.List(request)));

    [Authorize(Policy = Policies.Build)]
    public override Task<Build> CancelBuild(CancelBuildRequest request, ServerCallContext context) =>
        Task.FromResult(Call(() => coordinator.Cancel(request.Id)));

    [Authorize(Policy = Policies.Read)]
    public override async Task WatchBuild(WatchBuildRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context)
    {
        var events = Call(() => coordinator.Watch(request.Id));
        await foreach (var buildEvent in events.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(buildEvent, context.CancellationToken);
        }
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<ListTargetsResponse> ListTargets(ListTargetsRequest request, ServerCallContext context)
    {
        var response = new ListTargetsResponse();
        response.Targets.AddRange(coordinator.Targets());
        return Task.FromResult(response);
    }

    private static T Call<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (BuildApiException ex)
        {
            var code = ex.Kind switch
            {
                BuildErrorKind.NotFound => StatusCode.NotFound,
                BuildErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
                BuildErrorKind.Unavailable => StatusCode.Unavailable,
                _ => StatusCode.InvalidArgument,
            };
            throw new RpcException(new Status(code, ex.Message));
        }
    }
}
