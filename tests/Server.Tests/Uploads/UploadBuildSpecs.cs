using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>Uploads and builds together: a private index the embedded agent still reads (with a token of its own per build,
/// whose secret shows in no log), and "upload an sdist, get wheels".</summary>
public sealed class UploadBuildSpecs
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

    [Fact]
    public async Task An_uploaded_sdist_is_built_for_the_configured_targets()
    {
        await using var server = await BuildServer.StartAsync([], false, "--Uploads:BuildTargets:0", BuildServer.Cp311);

        using var response = await UploadClient.PostAsync(server.Host.Client,
            UploadClient.Form(DistFixtures.Path("pf-cext-1.0.tar.gz"), "pf-cext", "1.0"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var builds = await server.Client.ListBuildsAsync(new ListBuildsRequest());
        var build = await server.WaitForEndAsync(Assert.Single(builds.Builds).Id);
        Assert.True(build.State == BuildState.Succeeded, build.ToString());
        Assert.Equal(["pf-cext==1.0"], build.Requirements);
        Assert.True(File.Exists(Path.Combine(server.Host.Root, "pf_cext-1.0-cp311-cp311-linux_x86_64.whl")));
    }
}
