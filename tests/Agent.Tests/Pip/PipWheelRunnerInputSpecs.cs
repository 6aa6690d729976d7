using PypiForge.Agent.Pip;
using PypiForge.Agent.Tests.Support;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>What the child process gets: its arguments, environment and stdin (fake interpreter).</summary>
public sealed class PipWheelRunnerInputSpecs
{
    private readonly PipWheelRunner _runner = Sandboxes.Runner(Sandboxes.None());

    [Fact]
    public async Task The_command_is_pip_wheel_with_every_option_as_its_own_argument()
    {
        using var fake = new FakeInterpreter("""for argument in "$@"; do echo "[$argument]"; done""");
        using var work = new TempDirectory();
        var request = fake.Request(work) with
        {
            Requirements = ["pf-pure>=1.0; python_version >= \"3\"", "pf dep"],
            ExtraIndexUrls = [new Uri("http://127.0.0.1:9/extra/"), new Uri("http://user:secret@127.0.0.1:9/private/")],
            WithDependencies = true,
            Prerelease = true,
        };

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        string[] expected =
        [
            "-m", "pip", "wheel", "--no-cache-dir", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
            "--index-url", "http://127.0.0.1:9/simple/",
            "--extra-index-url", "http://127.0.0.1:9/extra/", "--extra-index-url", "http://user:secret@127.0.0.1:9/private/",
            "--pre", "-w", work.Combine("work", "wheels"), "--", "pf-pure>=1.0; python_version >= \"3\"", "pf dep",
        ];
        Assert.Equal(expected.Select(argument => $"[{argument}]"), result.LogTail);
        Assert.Equal(expected, PipWheelRunner.Arguments(request));
        var header = File.ReadLines(work.Combine("logs", "pip.log")).First();
        Assert.Contains("http://****@127.0.0.1:9/private/", header, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", header, StringComparison.Ordinal);
    }

    [Fact]
    public void No_deps_is_passed_when_dependencies_are_not_wanted()
    {
        using var fake = new FakeInterpreter("exit 0");
        using var work = new TempDirectory();

        var arguments = PipWheelRunner.Arguments(fake.Request(work) with { Retries = 0, SocketTimeoutSeconds = 5 });

        Assert.Contains("--no-deps", arguments);
        Assert.DoesNotContain("--pre", arguments);
        Assert.Equal("0", arguments[arguments.ToList().IndexOf("--retries") + 1]);
        Assert.Equal("5", arguments[arguments.ToList().IndexOf("--timeout") + 1]);
    }

    [Fact]
    public async Task The_child_sees_only_a_scrubbed_environment()
    {
        Environment.SetEnvironmentVariable("PYPIFORGE_SECRET_TEST", "x");
        Environment.SetEnvironmentVariable("PIP_INDEX_URL", "http://127.0.0.1:9/leaked/");
        try
        {
            using var fake = new FakeInterpreter("exec /usr/bin/env");
            using var work = new TempDirectory();
            var request = fake.Request(work);

            var result = await _runner.RunAsync(request, null, CancellationToken.None);

            var environment = result.LogTail
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);
            string[] allowed =
            [
                "PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "USER", "LOGNAME", "PIP_CONFIG_FILE", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_INPUT",
                "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONIOENCODING",
                "PWD", "SHLVL", "_", // set by bash itself
            ];
            Assert.Empty(environment.Keys.Except(allowed));
            Assert.Equal(request.WorkingDirectory, environment["HOME"]);
            Assert.Equal(Path.Combine(request.WorkingDirectory, "tmp"), environment["TMPDIR"]);
            Assert.Equal(request.WorkingDirectory, environment["PWD"]);
            Assert.Equal("/dev/null", environment["PIP_CONFIG_FILE"]);
            Assert.Equal("C.UTF-8", environment["LC_ALL"]);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), environment["PATH"]);
            Assert.False(environment.ContainsKey("PIP_FIND_LINKS"));
            Assert.False(environment.ContainsKey("PYPIFORGE_SECRET_TEST"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PYPIFORGE_SECRET_TEST", null);
            Environment.SetEnvironmentVariable("PIP_INDEX_URL", null);
        }
    }

    [Fact]
    public async Task Stdin_is_empty()
    {
        using var fake = new FakeInterpreter("if read -r line; then echo \"read: $line\"; else echo 'stdin at end'; fi");
        using var work = new TempDirectory();

        var result = await _runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.Equal(["stdin at end"], result.LogTail);
    }

    [Theory]
    [InlineData("relative/wheels")]
    [InlineData("")]
    public async Task Paths_must_be_absolute(string wheelDirectory)
    {
        using var fake = new FakeInterpreter("exit 0");
        using var work = new TempDirectory();

        await Assert.ThrowsAsync<ArgumentException>(
            () => _runner.RunAsync(fake.Request(work) with { WheelDirectory = wheelDirectory }, null, CancellationToken.None));
    }

    [Fact]
    public async Task At_least_one_requirement_is_needed()
    {
        using var fake = new FakeInterpreter("exit 0");
        using var work = new TempDirectory();

        await Assert.ThrowsAsync<ArgumentException>(
            () => _runner.RunAsync(fake.Request(work) with { Requirements = [] }, null, CancellationToken.None));
    }
}
