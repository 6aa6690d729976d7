using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>AgentService.PublishWheel, the one way a remote agent writes into the package folder: every malformed,
/// mismatched or truncated upload gets its own status and a message, and leaves nothing in the folder.</summary>
public sealed class PublishWheelSpecs : IAsyncLifetime, IDisposable
{
    private BuildServer server = null!;
    private AgentService.AgentServiceClient agents = null!;
    private string buildId = null!;
    private BuildGate gate = null!;
    private byte[] wheel = null!;
    private string[] before = null!;

    public async Task InitializeAsync()
    {
        var staging = TempDirectory.Create("publish-specs");
        gate = new BuildGate();
        // A build that stays running while the uploads are tried against it.
        var setup = $"import time\n{gate.Knock()}\ntime.sleep(300)\n";
        var sdist = TestDists.Sdist(staging, "pf-waiting-1.0", "pf-waiting", "1.0", setupPy: setup);
        server = await BuildServer.StartAsync([sdist]);
        agents = new AgentService.AgentServiceClient(server.Channel);
        buildId = (await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-waiting" }, Targets = { BuildServer.Cp311 } })).Id;
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(gate.Connections > 0), TimeSpan.FromMinutes(2)), "the build never started");
        wheel = await File.ReadAllBytesAsync(TestDists.Wheel(staging, "pf-uploaded", "1.0"));
        before = Files();
    }

    public async Task DisposeAsync()
    {
        await server.Client.CancelBuildAsync(new CancelBuildRequest { Id = buildId });
        await server.DisposeAsync();
    }

    public void Dispose() => gate.Dispose();

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

    private PublishWheelHeader Header(string fileName = "pf_uploaded-1.0-py3-none-any.whl", string? sha256 = null) => new()
    {
        BuildId = buildId,
        Target = BuildServer.Cp311,
        FileName = fileName,
        Size = wheel.Length,
        Sha256 = sha256 ?? Convert.ToHexStringLower(SHA256.HashData(wheel)),
        SupportedTags = { BuildServer.Cp311, "py3-none-any" },
    };

    private async Task<PublishWheelResponse> Send(PublishWheelHeader header, byte[] data)
    {
        using var call = agents.PublishWheel();
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

    private async Task<RpcException> Fails(PublishWheelHeader header, byte[] data)
    {
        try
        {
            var response = await Send(header, data);
            throw new Xunit.Sdk.XunitException("the upload was accepted: " + response);
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    // Every file in the package folder, hidden ones too: a failed upload must leave no partial or temporary file.
    private string[] Files() => [.. Directory.GetFiles(server.Host.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
