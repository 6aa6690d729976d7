using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>A full disk is reported as such (507, ResourceExhausted), leaves nothing half-written, and no change is
/// acknowledged that the disk did not take. The package root is a real 2 MiB tmpfs, filled to the last byte.</summary>
public sealed class DiskFullSpecs
{
    [Fact]
    public async Task An_upload_to_a_full_disk_is_answered_507_with_the_reason_and_leaves_no_file()
    {
        using var disk = TmpfsMount.Create("full-root");
        var dist = TempDirectory.Create("full-dist");
        try
        {
            var wheel = TestDists.Wheel(dist, "pf_full", "1.0");
            var htpasswd = await UploadClient.HtpasswdAsync(dist, ("alice", "alice-pw", "B"));
            await using var server = await ServerHost.StartAsync(disk.Path, "--htpasswd", htpasswd, "--Auth:TrustLoopback", "Never");
            disk.Fill();

            var result = await UploadClient.TwineAsync(server.BaseUri.ToString(), "alice", "alice-pw", wheel);

            Assert.True(result.ExitCode != 0, result.Combined);
            Assert.Contains("507", result.Combined, StringComparison.Ordinal);
            Assert.Contains("No space left on the server", result.Combined, StringComparison.Ordinal);
            Assert.Equal(["filler.bin"], UploadClient.FilesIn(disk.Path));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Client.GetAsync("/simple/pf-full/")).StatusCode);
            Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(disk.Path, StringComparison.Ordinal));
        }
        finally
        {
            TempDirectory.Delete(dist);
        }
    }

    [Fact]
    public async Task A_yank_the_state_folder_cannot_take_is_refused_and_a_restart_shows_only_acknowledged_yanks()
    {
        using var disk = TmpfsMount.Create("full-state");
        TestDists.Wheel(disk.Path, "pf_keep", "1.0");
        TestDists.Wheel(disk.Path, "pf_keep", "2.0");
        await using (var server = await ServerHost.StartAsync(disk.Path))
        {
            using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
            var packages = new PackageService.PackageServiceClient(channel);
            await packages.SetYankedAsync(new SetYankedRequest { Filename = "pf_keep-1.0-py3-none-any.whl", Yanked = true, Reason = "acknowledged" });
            disk.Fill();

            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await packages.SetYankedAsync(new SetYankedRequest { Filename = "pf_keep-2.0-py3-none-any.whl", Yanked = true, Reason = "lost" }));

            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("No space left on the server's disk", refused.Status.Detail, StringComparison.Ordinal);
            var now = await packages.GetProjectAsync(new GetProjectRequest { Name = "pf-keep" });
            Assert.False(now.Files.Single(f => f.Version == "2.0").Yanked);
        }

        await using var restarted = await ServerHost.StartAsync(disk.Path);
        using var again = GrpcChannel.ForAddress(restarted.GrpcUri!);
        var project = await new PackageService.PackageServiceClient(again).GetProjectAsync(new GetProjectRequest { Name = "pf-keep" });
        Assert.Equal("acknowledged", project.Files.Single(f => f.Version == "1.0").YankedReason);
        Assert.False(project.Files.Single(f => f.Version == "2.0").Yanked);
    }
}
