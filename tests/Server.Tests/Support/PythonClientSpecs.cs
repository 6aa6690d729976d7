using System.Text.Json;

namespace PypiForge.Server.Tests.Support;

public sealed class PythonClientSpecs : IDisposable
{
    // Unique to these specs, so setting it in this process cannot change what any other test's pip does.
    private const string Sentinel = "PIP_PYPIFORGE_SPECS_SENTINEL";

    private readonly string _workDir = Directory.CreateTempSubdirectory("pypiforge-client-specs-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task RunAsync_removes_every_PIP_variable_and_disables_pip_configuration_files()
    {
        Environment.SetEnvironmentVariable(Sentinel, "leaked");
        var inherited = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(name => name.StartsWith("PIP_", StringComparison.Ordinal))
            .ToArray();

        var result = await PythonClient.RunAsync(
            PythonInterpreter.System.Path,
            ["-c", "import json, os; print(json.dumps(dict(os.environ)))"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var env = JsonSerializer.Deserialize<Dictionary<string, string>>(result.StdOut)!;
        Assert.Contains(Sentinel, inherited);
        Assert.DoesNotContain(Sentinel, env.Keys);
        Assert.DoesNotContain("PIP_FIND_LINKS", env.Keys);
        Assert.DoesNotContain("PIP_DEFAULT_TIMEOUT", env.Keys);
        Assert.DoesNotContain("PIP_CERT", env.Keys);
        Assert.Equal("/dev/null", env["PIP_CONFIG_FILE"]);
        Assert.Equal("1", env["PIP_DISABLE_PIP_VERSION_CHECK"]);
        Assert.Equal("1", env["PYTHONDONTWRITEBYTECODE"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
        Assert.Equal(Environment.GetEnvironmentVariable("HOME"), env["HOME"]);
    }

    [Fact]
    public async Task Pip_sees_no_index_options_from_the_machine_configuration()
    {
        var result = await PythonClient.PipAsync(PythonInterpreter.System.Path, "config", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        // /etc/pip.conf sets cert and the environment sets find-links and timeout here.
        Assert.DoesNotContain("find-links", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("cert", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("timeout", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_applies_extra_variables_last_and_removes_those_set_to_null()
    {
        var result = await PythonClient.RunAsync(
            PythonInterpreter.System.Path,
            ["-c", "import os; print(os.environ.get('PIP_INDEX_URL')); print(os.environ.get('HOME'))"],
            extraEnv: new Dictionary<string, string?> { ["PIP_INDEX_URL"] = "http://127.0.0.1:1/simple/", ["HOME"] = null });

        Assert.Equal(["http://127.0.0.1:1/simple/", "None"], result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsync_returns_a_non_zero_exit_code_with_both_streams()
    {
        var result = await PythonClient.RunAsync(
            PythonInterpreter.System.Path,
            ["-c", "import sys; print('out'); sys.stderr.write('err\\n'); sys.exit(3)"],
            workingDir: _workDir);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
        Assert.Equal("out\nerr\n", result.Combined);
    }

    [Fact]
    public async Task RunAsync_kills_a_process_that_outlives_its_timeout_and_reports_its_output()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => PythonClient.RunAsync(
            PythonInterpreter.System.Path,
            ["-c", "import sys, time; print('started'); sys.stdout.flush(); time.sleep(60)"],
            timeout: TimeSpan.FromSeconds(5)));

        Assert.Contains("started", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the process was not killed at its timeout");
    }

    [Fact]
    public void Pyenv_matches_whole_version_components()
    {
        var python27 = PythonInterpreter.Pyenv("2.7");

        Assert.StartsWith("2.7.", python27.Version, StringComparison.Ordinal);
        Assert.True(File.Exists(python27.Path), python27.Path);
        // "3.1" must not resolve to 3.11 or 3.13.
        var error = Assert.Throws<InvalidOperationException>(() => PythonInterpreter.Pyenv("3.1"));
        Assert.Contains("pyenv install 3.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistFixtures_builds_a_platform_wheel_from_the_C_extension()
    {
        var tag = PythonInterpreter.System.CpythonTag;

        var wheel = DistFixtures.Path($"pf_cext-1.0-{tag}-{tag}-linux_x86_64.whl");

        Assert.StartsWith(DistFixtures.Directory, wheel, StringComparison.Ordinal);
        Assert.True(new FileInfo(wheel).Length > 0);
        Assert.Throws<FileNotFoundException>(() => DistFixtures.Path("pf_cext-9.9.tar.gz"));
    }

    [Fact]
    public async Task A_venv_of_the_system_python_installs_the_fixture_wheels_offline()
    {
        var tag = PythonInterpreter.System.CpythonTag;
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(_workDir, "venv"));

        var install = await PythonClient.PipAsync(
            python, "install", "--no-index", "--no-cache-dir", "--find-links", DistFixtures.Directory, "pf-dep", "pf-cext");
        var run = await PythonClient.RunAsync(
            python, ["-c", "import pf_cext, pf_dep, pf_pure; print(pf_cext.add(2, 3), pf_cext.VALUE, pf_pure.VALUE)"]);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(File.Exists(DistFixtures.Path($"pf_cext-1.0-{tag}-{tag}-linux_x86_64.whl")));
        // pf-pure 2.0 requires Python >= 3.99, so pip must settle on 1.0.
        Assert.Equal("5 1.0 1.0\n", run.StdOut);
    }
}
