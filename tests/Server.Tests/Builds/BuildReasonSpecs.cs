using Grpc.Core;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>Issue 12's build outcomes with a real server, its embedded agent and real pip on two targets (python3, CPython
/// 3.11, and pyenv's CPython 2.7): a target a release's Requires-Python excludes is not applicable (not failed), a request
/// no target can build is refused, and a failed target leads with a one-line reason of the right kind.</summary>
public sealed class BuildReasonSpecs(BuildReasonSpecs.Farm farm) : IClassFixture<BuildReasonSpecs.Farm>
{
    [Fact]
    public async Task A_release_requiring_Python_3_7_is_not_applicable_on_2_7_and_the_build_succeeds_with_the_3_11_wheel()
    {
        var requested = await farm.Server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-py37only==1.0" }, Targets = { BuildServer.Cp311, farm.Cp27 } });
        var build = await farm.Server.WaitForEndAsync(requested.Id);

        Assert.True(build.State == BuildState.Succeeded, build.ToString());
        var old = Assert.Single(build.Targets, t => t.Target == farm.Cp27);
        Assert.Equal(BuildState.NotApplicable, old.State);
        Assert.Equal(FailureKind.RequiresPython, old.FailureKind);
        Assert.Equal($"pf-py37only 1.0 requires Python >=3.7; {farm.Cp27} is Python {farm.Python27}", old.Reason);
        Assert.Equal(string.Empty, old.JobId);
        var built = Assert.Single(build.Targets, t => t.Target == BuildServer.Cp311);
        Assert.Equal(BuildState.Succeeded, built.State);
        Assert.Equal(FailureKind.Unspecified, built.FailureKind);
        Assert.Equal(string.Empty, built.Reason);
        var wheel = Assert.Single(built.Wheels);
        // Published, or already served when the unpinned spec built it first.
        Assert.Contains(wheel.Outcome, new[] { WheelOutcome.Published, WheelOutcome.AlreadyServed });
        Assert.Equal("pf_py37only-1.0-py3-none-any.whl", wheel.Filename);
        using var download = await farm.Server.Host.Client.GetAsync(new Uri(farm.Server.Host.BaseUri, $"packages/{wheel.Filename}"));
        Assert.True(download.IsSuccessStatusCode, download.ToString());
        var log = await File.ReadAllTextAsync(Path.Combine(farm.Server.Host.Root, ".pypiforge", "builds", build.Id, farm.Cp27 + ".log"));
        Assert.Contains($"not applicable, not built: {old.Reason}", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpinned_requirement_names_the_newest_matching_release_and_the_2_7_target_is_not_applicable()
    {
        var requested = await farm.Server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-py37only", "pf-pure" }, Targets = { BuildServer.Cp311, farm.Cp27 } });
        var build = await farm.Server.WaitForEndAsync(requested.Id);

        var old = Assert.Single(build.Targets, t => t.Target == farm.Cp27);
        Assert.Equal(BuildState.NotApplicable, old.State);
        Assert.Equal($"pf-py37only 1.0 requires Python >=3.7, and no release of pf-py37only supports Python {farm.Python27}; {farm.Cp27} is Python {farm.Python27}", old.Reason);
        Assert.True(build.State == BuildState.Succeeded, build.ToString());
    }

    [Fact]
    public async Task A_request_no_target_can_build_is_refused_naming_the_Requires_Python_and_the_targets_Pythons()
    {
        var refused = await BuildServer.FailsAsync(() => farm.Server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-py37only==1.0" }, Targets = { farm.Cp27 } }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.StartsWith("Nothing to build: no requested target's Python can install what was asked.", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"pf-py37only 1.0 requires Python >=3.7; {farm.Cp27} is Python {farm.Python27}", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await farm.Server.Client.ListBuildsAsync(new ListBuildsRequest())).Builds, b => b.Targets.All(t => t.Target == farm.Cp27) && b.Requirements.Contains("pf-py37only==1.0"));
    }

    [Fact]
    public async Task ListTargets_reports_the_embedded_agents_full_Python_versions()
    {
        var targets = (await farm.Server.Client.ListTargetsAsync(new ListTargetsRequest())).Targets;

        Assert.Equal(farm.Python27, Assert.Single(targets, t => t.Name == farm.Cp27).PythonVersion);
        Assert.StartsWith("3.11.", Assert.Single(targets, t => t.Name == BuildServer.Cp311).PythonVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_C_extension_including_a_missing_header_fails_with_MISSING_HEADER_first_in_the_API_the_log_and_the_dashboard()
    {
        var build = await BuildAsync("pf-nohdr==1.0");

        Assert.True(build.State == BuildState.Failed, build.ToString());
        var target = Assert.Single(build.Targets);
        Assert.Equal(FailureKind.MissingHeader, target.FailureKind);
        Assert.Equal("missing C header pf_nosuch_header.h on the build host (building pf-nohdr); install the package that provides it (e.g. its -dev package)", target.Reason);
        Assert.Contains("pip could not build pf-nohdr", target.Error, StringComparison.Ordinal);
        Assert.Contains(target.LogTail, l => l.Contains("fatal error: pf_nosuch_header.h", StringComparison.Ordinal));
        var log = await File.ReadAllLinesAsync(Path.Combine(farm.Server.Host.Root, ".pypiforge", "builds", build.Id, BuildServer.Cp311 + ".log"));
        Assert.Equal($"# failed (MissingHeader): {target.Reason}", log[^1]);
        var failed = farm.Server.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(target.JobId).History[0];
        Assert.Equal(FailedState.StateName, failed.StateName);
        Assert.StartsWith(target.Reason + "\n", failed.Data["ExceptionMessage"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_back_end_the_index_does_not_have_fails_with_BUILD_BACKEND_UNAVAILABLE_naming_it()
    {
        var build = await BuildAsync("pf-nobackend==1.0");

        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildState.Failed, target.State);
        Assert.Equal(FailureKind.BuildBackendUnavailable, target.FailureKind);
        Assert.StartsWith($"could not install the build back-end pf-nosuch-backend>=1.0 for Python {farm.Python311} to build pf-nobackend", target.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_the_index_does_not_have_fails_with_NO_MATCHING_DISTRIBUTION_naming_the_versions_pip_saw()
    {
        var build = await BuildAsync("pf-py37only==9.9");

        var target = Assert.Single(build.Targets);
        Assert.Equal(BuildState.Failed, target.State);
        Assert.Equal(FailureKind.NoMatchingDistribution, target.FailureKind);
        Assert.Equal("no release of pf-py37only matches pf-py37only==9.9 (pip saw versions 1.0)", target.Reason);
    }

    private async Task<Build> BuildAsync(string requirement)
    {
        var requested = await farm.Server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { requirement }, Targets = { BuildServer.Cp311 }, NoDeps = true });
        return await farm.Server.WaitForEndAsync(requested.Id);
    }

    /// <summary>One server for these specs: python3 and pyenv's 2.7 as targets, over the distributions they build.</summary>
    public sealed class Farm : IAsyncLifetime
    {
        private BuildServer? server;

        public BuildServer Server => server!;

        public string Cp27 { get; private set; } = string.Empty;

        public string Python27 { get; private set; } = string.Empty;

        public string Python311 { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            var staging = TempDirectory.Create("reasons");
            string[] files =
            [
                DistFixtures.Path("pf-pure-1.0.tar.gz"),
                TestDists.Sdist(staging, "pf-py37only-1.0", "pf-py37only", "1.0", requiresPython: ">=3.7",
                    setupPy: "from setuptools import setup\nsetup(name='pf-py37only', version='1.0', py_modules=[], python_requires='>=3.7')\n"),
                TestDists.Sdist(staging, "pf-nohdr-1.0", "pf-nohdr", "1.0",
                    setupPy: "from setuptools import Extension, setup\nsetup(name='pf-nohdr', version='1.0', ext_modules=[Extension('pf_nohdr', sources=['pf_nohdr.c'])])\n",
                    files: new Dictionary<string, string> { ["pf_nohdr.c"] = "#include <pf_nosuch_header.h>\nint pf_nohdr;\n" }),
                TestDists.Sdist(staging, "pf-nobackend-1.0", "pf-nobackend", "1.0",
                    files: new Dictionary<string, string> { ["pyproject.toml"] = "[build-system]\nrequires = [\"pf-nosuch-backend>=1.0\"]\nbuild-backend = \"setuptools.build_meta\"\n" }),
            ];
            server = await BuildServer.StartAsync(files, false, "--Agent:Interpreters:1", PythonInterpreter.Pyenv("2.7").Path);
            var ready = await ServerHost.EventuallyAsync(async () => (await Server.Client.ListTargetsAsync(new ListTargetsRequest())).Targets.Count == 2, TimeSpan.FromMinutes(2));
            Assert.True(ready, "the 2.7 target did not register: " + string.Join('\n', Server.Host.Logs.Messages()));
            var targets = (await Server.Client.ListTargetsAsync(new ListTargetsRequest())).Targets;
            var old = Assert.Single(targets, static t => t.InterpreterTag == "cp27");
            Cp27 = old.Name;
            Python27 = old.PythonVersion;
            Python311 = Assert.Single(targets, static t => t.Name == BuildServer.Cp311).PythonVersion;
        }

        public async Task DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
