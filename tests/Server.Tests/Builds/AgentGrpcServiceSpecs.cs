using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The AgentService class called directly with a test call context, on a real server's parts: a remote agent
/// begins a target (and gets its claim), logs to it, and ends it; calls without the claim are refused.</summary>
public sealed class AgentGrpcServiceSpecs : IAsyncLifetime
{
    private ServerHost host = null!;
    private AgentGrpcService service = null!;
    private BuildRecords records = null!;
    private string buildId = null!;
    private string logRoot = null!;

    public async Task InitializeAsync()
    {
        host = await ServerHost.StartAsync();
        service = ActivatorUtilities.CreateInstance<AgentGrpcService>(host.Services);
        records = host.Services.GetRequiredService<BuildRecords>();
        buildId = Guid.NewGuid().ToString("N")[..12];
        logRoot = Path.Combine(host.Root, ".pypiforge", "builds", buildId);
        records.Open(new NewBuild(buildId, ["pf-cext==1.0"], false, true, null, "pf-cext==1.0|deps=False|pre=True",
            [(BuildParts.Cp311, Path.Combine(logRoot, BuildParts.Cp311 + ".log"), null)]));
        records.Save(buildId);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task BeginTarget_hands_out_what_to_build_and_a_claim()
    {
        var begun = await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, TestServerCallContext.Create());
        var unknown = await service.BeginTarget(new BeginTargetRequest { BuildId = "nope", Target = BuildParts.Cp311 }, TestServerCallContext.Create());

        Assert.True(begun.Found);
        Assert.Equal(64, begun.Claim.Length);
        Assert.Equal(["pf-cext==1.0"], begun.Requirements);
        Assert.Equal((false, true, host.BaseUri.Port), (begun.WithDependencies, begun.Prerelease, begun.HttpPort));
        Assert.Equal(TargetState.Running, records.Find(buildId)!.State);
        Assert.False(unknown.Found);
    }

    [Fact]
    public async Task AppendLog_with_the_claim_logs_to_watchers_and_the_log_file_and_says_when_cancelled()
    {
        var claim = (await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, TestServerCallContext.Create())).Claim;

        var first = await service.AppendLog(Lines(claim, "Collecting pf-cext", "Building wheel"), TestServerCallContext.Create());
        records.Cancel(buildId);
        var second = await service.AppendLog(Lines(claim, new string('x', 20_000)), TestServerCallContext.Create());

        Assert.False(first.CancelRequested);
        Assert.True(second.CancelRequested);
        var written = await File.ReadAllLinesAsync(Path.Combine(logRoot, BuildParts.Cp311 + ".log"));
        Assert.Equal(["Collecting pf-cext", "Building wheel"], written[..2]);
        Assert.Equal(16 * 1024 + 1, written[2].Length); // long lines are cut, with an ellipsis
        Assert.Equal(["Collecting pf-cext", "Building wheel"], records.Find(buildId)!.Targets[0].Tail.Take(2));
    }

    [Fact]
    public async Task Calls_without_the_current_claim_or_ids_are_refused()
    {
        var context = TestServerCallContext.Create();
        var notBegun = await Assert.ThrowsAsync<RpcException>(() => service.AppendLog(Lines("claim", "x"), context));
        var claim = (await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, context)).Claim;

        var wrong = await Assert.ThrowsAsync<RpcException>(() => service.AppendLog(Lines("not-it", "x"), context));
        var noIds = await Assert.ThrowsAsync<RpcException>(() => service.AppendLog(new AppendLogRequest { Claim = claim }, context));
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => service.AppendLog(Lines(claim, [.. Enumerable.Repeat("x", 2_001)]), context));
        var badState = await Assert.ThrowsAsync<RpcException>(() => service.CompleteTarget(Completion(claim, TargetOutcomeState.Unspecified), context));

        Assert.Equal(StatusCode.FailedPrecondition, notBegun.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noIds.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badState.StatusCode);
        Assert.Equal(TargetState.Running, records.Find(buildId)!.State);
    }

    [Fact]
    public async Task CompleteTarget_ends_the_target_as_the_agent_says_and_releases_it()
    {
        var claim = (await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, TestServerCallContext.Create())).Claim;
        var completion = Completion(claim, TargetOutcomeState.Failed);
        completion.Error = "pip exited with 1";
        completion.LogTail.Add("error: could not build");
        completion.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(9));

        await service.CompleteTarget(completion, TestServerCallContext.Create());
        var again = await Assert.ThrowsAsync<RpcException>(() => service.CompleteTarget(Completion(claim, TargetOutcomeState.Succeeded), TestServerCallContext.Create()));

        var target = records.Find(buildId)!.Targets[0];
        Assert.Equal((TargetState.Failed, "pip exited with 1", TimeSpan.FromSeconds(9)), (target.State, target.Error, target.Duration));
        Assert.Equal(["error: could not build"], target.Tail);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        // An agent that gives no reason (one from before issue 12): the error's first line stands in, of no known kind.
        Assert.Equal(("pip exited with 1", Protos.Jobs.FailureKind.Other), (target.Reason, target.Kind));
    }

    [Fact]
    public async Task CompleteTarget_keeps_one_short_clean_line_of_an_agents_reason_and_takes_an_unknown_kind_for_other()
    {
        var claim = (await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, TestServerCallContext.Create())).Claim;
        var completion = Completion(claim, TargetOutcomeState.Failed);
        completion.Reason = "  missing C header \u001b[31mfoo.h\u0007 " + new string('x', 10_000) + "\nsecond line\r\nthird";
        completion.FailureKind = (Protos.V1.FailureKind)99;

        await service.CompleteTarget(completion, TestServerCallContext.Create());

        var target = records.Find(buildId)!.Targets[0];
        Assert.Equal(Protos.Jobs.FailureKind.Other, target.Kind);
        Assert.StartsWith("missing C header  [31mfoo.h  xxx", target.Reason, StringComparison.Ordinal);
        Assert.Equal(TargetRecord.MaxReasonLength + 1, target.Reason!.Length);
        Assert.EndsWith("x…", target.Reason, StringComparison.Ordinal);
        Assert.Equal("missing C header", BuildMapping.ToProto(records.Find(buildId)!).Targets[0].Reason[..16]);
    }

    [Fact]
    public async Task CompleteTarget_with_a_known_kind_keeps_it_and_an_empty_reason_falls_back_to_the_error()
    {
        var claim = (await service.BeginTarget(new BeginTargetRequest { BuildId = buildId, Target = BuildParts.Cp311 }, TestServerCallContext.Create())).Claim;
        var completion = Completion(claim, TargetOutcomeState.Failed);
        completion.Error = "\n\n";
        completion.FailureKind = Protos.V1.FailureKind.MissingHeader;

        await service.CompleteTarget(completion, TestServerCallContext.Create());

        var target = BuildMapping.ToProto(records.Find(buildId)!).Targets[0];
        Assert.Equal((BuildState.Failed, Protos.V1.FailureKind.MissingHeader, string.Empty), (target.State, target.FailureKind, target.Reason));
    }

    private AppendLogRequest Lines(string claim, params string[] lines) =>
        new() { BuildId = buildId, Target = BuildParts.Cp311, Claim = claim, Lines = { lines } };

    private CompleteTargetRequest Completion(string claim, TargetOutcomeState state) =>
        new() { BuildId = buildId, Target = BuildParts.Cp311, Claim = claim, State = state };
}
