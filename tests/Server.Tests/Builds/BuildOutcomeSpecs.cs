using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>What a target's outcome says when pip fails part of a build, or succeeds with wheels the target cannot use
/// (real pip, real server, embedded agent).</summary>
public sealed class BuildOutcomeSpecs
{
    private const string CextWheel = "pf_cext-1.0-cp311-cp311-linux_x86_64.whl";

    [Fact]
    public async Task When_one_sdist_fails_to_compile_the_others_wheel_is_served_and_the_target_fails_naming_the_failed_project()
    {
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf-cext-1.0.tar.gz"), FailingToCompile()]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-cext==1.0", "pf-badc==1.0" }, Targets = { BuildServer.Cp311 } });
        var build = await server.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Failed, build.ToString());
        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildState.Failed, target.State);
        var wheel = Assert.Single(target.Wheels);
        Assert.Equal(CextWheel, wheel.Filename);
        Assert.Equal(WheelOutcome.Published, wheel.Outcome);
        Assert.Contains("pip could not build pf-badc", target.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("could not build pf-cext", target.Error, StringComparison.Ordinal);
        Assert.Contains($"1 wheel of this build is served: {CextWheel}", target.Error, StringComparison.Ordinal);

        var page = await server.Host.Client.GetStringAsync(new Uri(server.Host.BaseUri, "simple/pf-cext/"));
        Assert.Contains(CextWheel, page, StringComparison.Ordinal);
        using var download = await server.Host.Client.GetAsync(new Uri(server.Host.BaseUri, $"packages/{CextWheel}"));
        Assert.True(download.IsSuccessStatusCode, download.ToString());
        Assert.Empty(Directory.GetFiles(server.Host.Root, "pf_badc*"));
    }

    [Fact]
    public async Task A_target_whose_only_wheel_is_rejected_for_its_platform_fails_with_the_reason()
    {
        await using var server = await BuildServer.StartAsync([WrongPlatform()]);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-wrongplat" }, Targets = { BuildServer.Cp311 } });
        var build = await server.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Failed, build.ToString());
        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildState.Failed, target.State);
        var wheel = Assert.Single(target.Wheels);
        Assert.Equal("pf_wrongplat-1.0-cp311-cp311-linux_i686.whl", wheel.Filename);
        Assert.Equal(WheelOutcome.Rejected, wheel.Outcome);
        Assert.Contains("Every wheel pip built was rejected", target.Error, StringComparison.Ordinal);
        Assert.Contains("pf_wrongplat-1.0-cp311-cp311-linux_i686.whl (its tags (cp311-cp311-linux_i686) do not fit target cp311-cp311-linux_x86_64)", target.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(server.Host.Root, "pf_wrongplat*"));
    }

    /// <summary>pf-badc 1.0: a C extension whose source does not compile, so pip fails it only when it builds wheels,
    /// after resolving (and so after the other requirements' metadata are prepared).</summary>
    internal static string FailingToCompile() =>
        TestDists.Sdist(TempDirectory.Create("badc"), "pf-badc-1.0", "pf-badc", "1.0",
            setupPy: "from setuptools import Extension, setup\nsetup(name='pf-badc', version='1.0', ext_modules=[Extension('pf_badc', sources=['pf_badc.c'])])\n",
            files: new Dictionary<string, string> { ["pf_badc.c"] = "this is not C;\n" });

    /// <summary>pf-wrongplat 1.0: pip builds it and exits 0, but its wheel claims a platform (linux_i686) that is no
    /// x86_64 target's.</summary>
    internal static string WrongPlatform()
    {
        const string setup = """
            from setuptools import setup
            from setuptools.dist import Distribution

            class Binary(Distribution):
                def has_ext_modules(self):
                    return True

            setup(name="pf-wrongplat", version="1.0", py_modules=[], distclass=Binary, options={"bdist_wheel": {"plat_name": "linux_i686"}})
            """;
        return TestDists.Sdist(TempDirectory.Create("wrongplat"), "pf-wrongplat-1.0", "pf-wrongplat", "1.0", setupPy: setup);
    }
}
