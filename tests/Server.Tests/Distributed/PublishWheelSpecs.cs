using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>AgentService.PublishWheel, the one way a remote agent writes into the package folder: every malformed,
/// mismatched or truncated upload gets its own status and a message, and leaves nothing in the folder. Only the agent
/// holding the target (its claim from BeginTarget) reports on it, with a token that has "agent", and only with wheels
/// that are the build's. The test plays that agent (loopback is trusted here) on a build the embedded agent runs.</summary>
public sealed class PublishWheelSpecs : IAsyncLifetime, IDisposable
{
    private BuildServer server = null!;
    private AgentService.AgentServiceClient agents = null!;
    private string buildId = null!;
    private BuildGate gate = null!;
    private byte[] wheel = null!;
    private string[] before = null!;
    private string claim = null!;
    private string staging = null!;

    public async Task InitializeAsync()
    {
        staging = TempDirectory.Create("publish-specs");
        gate = new BuildGate();
        // A build that stays running while the uploads are tried against it.
        var setup = $"import time\n{gate.Knock()}\ntime.sleep(300)\n";
        var sdist = TestDists.Sdist(staging, "pf-waiting-1.0", "pf-waiting", "1.0", setupPy: setup);
        server = await BuildServer.StartAsync([sdist], false, "--Auth:TrustLoopback", "Always");
        agents = new AgentService.AgentServiceClient(server.Channel);
        buildId = (await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-waiting" }, Targets = { BuildServer.Cp311 } })).Id;
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)), "the build never started");
        claim = (await agents.BeginTargetAsync(new BeginTargetRequest { BuildId = buildId, Target = BuildServer.Cp311 })).Claim;
        wheel = await File.ReadAllBytesAsync(TestDists.Wheel(staging, "pf-uploaded", "1.0"));
        before = Files();
    }

    public async Task DisposeAsync()
    {
        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = buildId });
        await server.DisposeAsync();
    }

    public void Dispose()
    {
        gate.Dispose();
        TempDirectory.Delete(staging);
    }

    public static TheoryData<string, StatusCode, string> BadHeaders => new()
    {
        { "../pf_uploaded-1.0-py3-none-any.whl", StatusCode.InvalidArgument, "not a bare wheel file name" },
        { "sub/pf_uploaded-1.0-py3-none-any.whl", StatusCode.InvalidArgument, "not a bare wheel file name" },
        { ".incoming-x.whl", StatusCode.InvalidArgument, "not a bare wheel file name" },
        { "pf_uploaded-1.0.tar.gz", StatusCode.InvalidArgument, "not a bare wheel file name" },
        { "pf_uploaded-1.0-py3-none-any.whl\n", StatusCode.InvalidArgument, "not a bare wheel file name" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task A_file_name_with_folders_or_not_a_wheel_is_refused_before_any_byte_is_written(string fileName, StatusCode code, string message)
    {
        var error = await Fails(Header(fileName: fileName), wheel);

        Assert.Equal(code, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task A_wrong_sha256_is_data_loss_and_nothing_is_published()
    {
        var error = await Fails(Header(sha256: new string('0', 64)), wheel);

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("sha256", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task A_truncated_stream_is_data_loss_and_nothing_is_published()
    {
        var error = await Fails(Header(), wheel[..(wheel.Length / 2)]);

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains($"ended after {wheel.Length / 2:N0} of {wheel.Length:N0} bytes", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task More_bytes_than_the_header_declares_are_refused()
    {
        var error = await Fails(Header(), [.. wheel, .. wheel]);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("more than", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task An_oversized_wheel_is_refused_by_its_declared_size()
    {
        var header = Header();
        header.Size = 64L * 1024 * 1024 * 1024;

        var error = await Fails(header, wheel);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Queue:MaxWheelBytes", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task An_unknown_build_id_is_not_found()
    {
        var header = Header();
        header.BuildId = "nosuchbuild";

        var error = await Fails(header, wheel);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("nosuchbuild", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task A_stream_that_starts_with_data_instead_of_a_header_is_refused()
    {
        using var call = agents.PublishWheel();
        await call.RequestStream.WriteAsync(new PublishWheelChunk { Data = ByteString.CopyFrom(wheel) });
        await call.RequestStream.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("header", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task An_intact_wheel_for_a_running_build_is_published_and_a_second_identical_one_is_already_served()
    {
        var first = await Send(Header(), wheel);
        var again = await Send(Header(), wheel);

        Assert.Equal(PublishOutcome.Published, first.Outcome);
        Assert.Equal(PublishOutcome.AlreadyServed, again.Outcome);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(wheel)), first.Sha256);
        Assert.Equal(wheel, await File.ReadAllBytesAsync(Path.Combine(server.Host.Root, "pf_uploaded-1.0-py3-none-any.whl")));
        Assert.Empty(Directory.GetFiles(server.Host.Root, ".incoming-*"));
    }

    [Fact]
    public async Task A_wheel_whose_METADATA_version_contradicts_its_file_name_is_rejected_and_not_served()
    {
        // Named 1.0, but its METADATA says 9.0: the catalog would refuse it, so it must not be reported published.
        var lying = await File.ReadAllBytesAsync(TestDists.Wheel(TempDirectory.Create("lying"), "pf-uploaded", "1.0",
            metadata: "Metadata-Version: 2.1\nName: pf-uploaded\nVersion: 9.0\n"));

        var result = await Send(Header(lying, "pf_uploaded-1.0-py3-none-any.whl"), lying);

        Assert.Equal(PublishOutcome.Rejected, result.Outcome);
        Assert.Contains("says version '9.0', but the file name says '1.0'", result.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Host.Root, "pf_uploaded-1.0-py3-none-any.whl")));
    }

    [Fact]
    public async Task A_build_token_cannot_publish_log_or_complete_a_running_build_even_with_the_claim()
    {
        var token = Token(Permissions.Read | Permissions.Build);

        var publish = await Fails(Header(), wheel, token);
        var log = await Refused(() => agents.AppendLogAsync(
            new AppendLogRequest { BuildId = buildId, Target = BuildServer.Cp311, Claim = claim, Lines = { "forged line" } }, token).ResponseAsync);
        var complete = await Refused(() => agents.CompleteTargetAsync(
            new CompleteTargetRequest { BuildId = buildId, Target = BuildServer.Cp311, Claim = claim, State = TargetOutcomeState.Succeeded }, token).ResponseAsync);

        foreach (var error in new[] { publish, log, complete })
        {
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Contains("'agent' permission", error.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, Files());
        var build = await server.Client.GetBuildAsync(new GetBuildRequest { Id = buildId });
        Assert.Equal(BuildState.Running, build.State);
        Assert.DoesNotContain("forged line", Assert.Single(build.Targets).LogTail);
    }

    [Fact]
    public async Task An_agent_token_without_the_claim_of_the_agent_that_began_the_target_is_refused()
    {
        var token = Token(Permissions.Read | Permissions.Agent);
        var missing = Header();
        missing.Claim = string.Empty;
        var wrong = Header();
        wrong.Claim = new string('0', 64);

        var refused = new List<RpcException>
        {
            await Fails(missing, wheel, token),
            await Fails(wrong, wheel, token),
            await Refused(() => agents.AppendLogAsync(
                new AppendLogRequest { BuildId = buildId, Target = BuildServer.Cp311, Lines = { "forged line" } }, token).ResponseAsync),
            await Refused(() => agents.CompleteTargetAsync(
                new CompleteTargetRequest { BuildId = buildId, Target = BuildServer.Cp311, Claim = wrong.Claim, State = TargetOutcomeState.Succeeded }, token).ResponseAsync),
        };

        // Another agent's BeginTarget (a re-run of the job) takes the target over: the first claim stops working.
        var newer = (await agents.BeginTargetAsync(new BeginTargetRequest { BuildId = buildId, Target = BuildServer.Cp311 }, token)).Claim;
        refused.Add(await Fails(Header(), wheel, token));
        var filesWhileRefused = Files();
        var current = Header();
        current.Claim = newer;
        var published = await Send(current, wheel, token);

        Assert.All(refused, error =>
        {
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Contains("does not hold build", error.Status.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(before, filesWhileRefused);
        Assert.Equal(PublishOutcome.Published, published.Outcome);
        var build = await server.Client.GetBuildAsync(new GetBuildRequest { Id = buildId });
        Assert.Equal(BuildState.Running, build.State);
        Assert.DoesNotContain("forged line", Assert.Single(build.Targets).LogTail);
    }

    [Theory]
    [InlineData("cp311-cp311-win_amd64")]
    [InlineData("cp312-cp312-linux_x86_64")]
    public async Task A_wheel_whose_tags_do_not_fit_the_target_is_refused_even_when_the_agent_lists_them_as_supported(string tags)
    {
        var foreign = await File.ReadAllBytesAsync(TestDists.Wheel(staging, "pf-waiting", "1.0", tags));
        var header = Header(foreign, $"pf_waiting-1.0-{tags}.whl");
        header.SupportedTags.Insert(0, tags);

        var error = await Fails(header, foreign);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"no tag that fits target {BuildServer.Cp311}", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task A_build_without_dependencies_takes_wheels_of_its_requested_project_only()
    {
        var noDeps = (await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-waiting" }, Targets = { BuildServer.Cp311 }, NoDeps = true })).Id;
        // The embedded agent begins it first (its pip knocks), so the claim taken below is the current one.
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 1), TimeSpan.FromMinutes(2)), "the second build never started");
        var held = (await agents.BeginTargetAsync(new BeginTargetRequest { BuildId = noDeps, Target = BuildServer.Cp311 })).Claim;
        var unrelated = Header();
        unrelated.BuildId = noDeps;
        unrelated.Claim = held;
        var own = await File.ReadAllBytesAsync(TestDists.Wheel(staging, "pf-waiting", "1.0"));
        var requested = Header(own, "pf_waiting-1.0-py3-none-any.whl");
        requested.BuildId = noDeps;
        requested.Claim = held;

        var error = await Fails(unrelated, wheel);
        var filesAfterRefusal = Files();
        var published = await Send(requested, own);
        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = noDeps });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'pf-uploaded', which build", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, filesAfterRefusal);
        Assert.Equal(PublishOutcome.Published, published.Outcome);
    }

    private Metadata Token(Permissions permissions)
    {
        var (_, secret) = server.Host.Services.GetRequiredService<TokenStore>().Create("someone", permissions, null);
        return new Metadata { { "authorization", $"Bearer {secret}" } };
    }

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private PublishWheelHeader Header(string fileName = "pf_uploaded-1.0-py3-none-any.whl", string? sha256 = null) => Header(wheel, fileName, sha256);

    private PublishWheelHeader Header(byte[] data, string fileName, string? sha256 = null) => new()
    {
        Claim = claim,
        BuildId = buildId,
        Target = BuildServer.Cp311,
        FileName = fileName,
        Size = data.Length,
        Sha256 = sha256 ?? Convert.ToHexStringLower(SHA256.HashData(data)),
        SupportedTags = { BuildServer.Cp311, "py3-none-any" },
    };

    private async Task<PublishWheelResponse> Send(PublishWheelHeader header, byte[] data, Metadata? headers = null)
    {
        using var call = agents.PublishWheel(headers);
        try
        {
            await call.RequestStream.WriteAsync(new PublishWheelChunk { Header = header });
            for (var offset = 0; offset < data.Length; offset += 1000)
            {
                await call.RequestStream.WriteAsync(new PublishWheelChunk { Data = ByteString.CopyFrom(data, offset, Math.Min(1000, data.Length - offset)) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
        {
            // The server refused before the stream ended; its answer carries the status.
        }

        return await call.ResponseAsync;
    }

    private async Task<RpcException> Fails(PublishWheelHeader header, byte[] data, Metadata? headers = null)
    {
        try
        {
            var response = await Send(header, data, headers);
            throw new Xunit.Sdk.XunitException("the upload was accepted: " + response);
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    // Every file in the package folder, hidden ones too: a failed upload must leave no partial or temporary file. The
    // state folder inside it is not served (tokens and build logs change there as the tests go).
    private string[] Files() =>
    [
        .. Directory.GetFiles(server.Host.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(server.Host.Root, ".pypiforge") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];
}
