using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Policy;

/// <summary>A damaged <c>allow-fresh.json</c> or <c>project-status.json</c> fails closed: nothing is let through by it,
/// the server says so at start, and changes are refused (Unavailable, naming the file) instead of overwriting it.</summary>
public sealed class PolicyStateFileSpecs
{
    [Fact]
    public async Task Damaged_policy_files_are_reported_and_never_overwritten()
    {
        var root = TempDirectory.Create("policy-damaged");
        TestDists.Wheel(root, "pf-damaged", "1.0");
        var state = Directory.CreateDirectory(Path.Combine(root, ".pypiforge")).FullName;
        await File.WriteAllTextAsync(Path.Combine(state, "allow-fresh.json"), "[ {\"id\": \"half");
        await File.WriteAllTextAsync(Path.Combine(state, "project-status.json"), "not json");
        await using var server = await ServerHost.StartAsync(root);
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        var policy = new PolicyService.PolicyServiceClient(channel);

        var grant = await Assert.ThrowsAsync<RpcException>(() =>
            policy.AllowFreshAsync(new AllowFreshRequest { Project = "pf-damaged", Reason = "why" }).ResponseAsync);
        var status = await Assert.ThrowsAsync<RpcException>(() =>
            policy.SetProjectStatusAsync(new SetProjectStatusRequest { Project = "pf-damaged", Status = "archived" }).ResponseAsync);
        var listed = await policy.ListAllowFreshAsync(new ListAllowFreshRequest());

        Assert.Equal(StatusCode.Unavailable, grant.StatusCode);
        Assert.Contains("allow-fresh.json could not be read", grant.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("repair or remove it", grant.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, status.StatusCode);
        Assert.Contains("project-status.json could not be read", status.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(listed.Allowances);
        Assert.Equal("[ {\"id\": \"half", await File.ReadAllTextAsync(Path.Combine(state, "allow-fresh.json")));
        Assert.Equal("not json", await File.ReadAllTextAsync(Path.Combine(state, "project-status.json")));
        Assert.Contains(server.Logs.Messages(), static m => m.StartsWith("The fresh allowances in", StringComparison.Ordinal) && m.Contains("could not be read", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Messages(), static m => m.StartsWith("The project statuses in", StringComparison.Ordinal) && m.Contains("could not be read", StringComparison.Ordinal));
    }
}
