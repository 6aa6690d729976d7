using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A server whose embedded agent is switched off and with no remote agent: nothing can build, and it says so.</summary>
public sealed class NoAgentSpecs
{
    [Fact]
    public async Task Without_agents_RequestBuild_is_FailedPrecondition_and_ListTargets_is_empty()
    {
        await using var host = await ServerHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.GrpcUri!);
        var client = new BuildService.BuildServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "flask" } }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("No build agent is running", error.Status.Detail);
        Assert.Empty((await client.ListTargetsAsync(new ListTargetsRequest())).Targets);
    }

    [Fact]
    public async Task The_service_class_maps_coordinator_errors_to_status_codes()
    {
        await using var host = await ServerHost.StartAsync();
        var service = new BuildGrpcService((BuildScheduler)host.Services.GetService(typeof(BuildScheduler))!, (BuildRecords)host.Services.GetService(typeof(BuildRecords))!);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => service.RequestBuild(new RequestBuildRequest { Requirements = { "-r reqs.txt" } }, TestServerCallContext.Create()));
        var missing = await Assert.ThrowsAsync<RpcException>(() => service.GetBuild(new GetBuildRequest { Id = "x" }, TestServerCallContext.Create()));
        var noAgent = await Assert.ThrowsAsync<RpcException>(() => service.RequestBuild(new RequestBuildRequest { Requirements = { "flask" } }, TestServerCallContext.Create()));

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, noAgent.StatusCode);
    }
}
