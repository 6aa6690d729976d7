using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>The embedded agent's pip reads a private index with a process-only token; the secret shows in no log.</summary>
public sealed class PrivateIndexBuildSpecs
{
    [Fact]
    public async Task A_build_on_a_private_index_fetches_its_sources_and_publishes_the_wheel()
    {
        var folder = TempDirectory.Create("private-build");
        try
        {
            var htpasswd = await UploadClient.HtpasswdAsync(folder, ("builder", "builder-pw", "B"));
            var signIn = new Grpc.Core.Metadata { { "authorization", UploadClient.Basic("builder", "builder-pw").ToString() } };
            await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz")], signIn, false,
                "--htpasswd", htpasswd, "--Auth:AnonymousRead", "false", "--Auth:TrustLoopback", "Never");

            var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0" }, Targets = { BuildServer.Cp311 } }, signIn);
            var build = await server.WaitForEndAsync(requested.Id, signIn);

            Assert.True(build.State == BuildState.Succeeded, build.ToString());
            Assert.True(File.Exists(Path.Combine(server.Host.Root, "pf_cext-1.0-cp311-cp311-linux_x86_64.whl")));
            var log = string.Join('\n', build.Targets.SelectMany(t => t.LogTail));
            Assert.DoesNotContain("pypf_", log + string.Join('\n', server.Host.Logs.Messages()), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Delete(folder);
        }
    }
}
