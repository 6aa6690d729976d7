using PypiForge.Agent.Pip;
using PypiForge.Agent.Targets;
using PypiForge.Agent.Tests.Support;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>The real pip of real interpreters against a real (static) simple index.</summary>
public sealed class PipWheelRunnerSpecs
{
    private const string PurePackage = "pf_pure-1.0-py2.py3-none-any.whl";
    private const string DependentPackage = "pf_dep-1.0-py2.py3-none-any.whl";

    private readonly PipWheelRunner _runner = Sandboxes.Runner(Sandboxes.Bubblewrap());
    private readonly TargetDiscovery _discovery = Sandboxes.Discovery(Sandboxes.Bubblewrap());

    [Theory]
    [InlineData("python3")] // pip 23.2
    [InlineData("2.7")] // pip 19.2.3
    [InlineData("3.6")] // pip 18.1
    [InlineData("3.13")] // pip 24.2
    public async Task Pip_saves_the_wheels_of_a_requirement_and_its_dependencies(string python)
    {
        var target = await _discovery.DiscoverAsync(python == "python3" ? python : Pythons.Pyenv(python), CancellationToken.None);
        await using var index = await StaticIndex.StartAsync(new Dictionary<string, string[]>
        {
            ["pf-pure"] = [await DistFixtures.PathAsync(PurePackage)],
            ["pf-dep"] = [await DistFixtures.PathAsync(DependentPackage)],
        });
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["pf-dep==1.0"], index.SimpleUrl, TimeSpan.FromMinutes(2)) with { WithDependencies = true };
        var lines = new List<string>();

        var result = await _runner.RunAsync(request, lines.Add, CancellationToken.None);

        Assert.True(result.Succeeded, $"pip failed with {result.ExitCode}:\n{string.Join('\n', result.LogTail)}");
        Assert.Equal([DependentPackage, PurePackage], Directory.GetFiles(request.WheelDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(lines, line => line.Contains("Saved", StringComparison.Ordinal) && line.Contains(PurePackage, StringComparison.Ordinal));
        Assert.Contains(File.ReadLines(request.LogPath), line => line.Contains(index.SimpleUrl.Authority, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_dependencies_pip_saves_only_the_requirement()
    {
        var target = await _discovery.DiscoverAsync("python3", CancellationToken.None);
        await using var index = await StaticIndex.StartAsync(new Dictionary<string, string[]>
        {
            ["pf-pure"] = [await DistFixtures.PathAsync(PurePackage)],
            ["pf-dep"] = [await DistFixtures.PathAsync(DependentPackage)],
        });
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["pf-dep"], index.SimpleUrl, TimeSpan.FromMinutes(2));

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join('\n', result.LogTail));
        Assert.Equal([DependentPackage], Directory.GetFiles(request.WheelDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Pip_fails_on_an_unreachable_index_and_ignores_the_agents_pip_settings()
    {
        // If PIP_FIND_LINKS leaked into pip, it would find the wheel here and succeed.
        using var links = new TempDirectory();
        File.Copy(await DistFixtures.PathAsync(PurePackage), links.Combine(PurePackage));
        var original = Environment.GetEnvironmentVariable("PIP_FIND_LINKS");
        Environment.SetEnvironmentVariable("PIP_FIND_LINKS", links.Path);
        try
        {
            var target = await _discovery.DiscoverAsync("python3", CancellationToken.None);
            using var work = new TempDirectory();
            var unreachable = new Uri($"http://127.0.0.1:{StaticIndex.FreePort()}/simple/");
            // One retry of pip's own, so that its urllib3 warns of the refused connection.
            var request = Requests.For(target, work, ["pf-pure"], unreachable, TimeSpan.FromMinutes(2)) with { Retries = 1, SocketTimeoutSeconds = 5 };

            var result = await _runner.RunAsync(request, null, CancellationToken.None);

            Assert.NotEqual(0, result.ExitCode);
            Assert.False(result.TimedOut);
            Assert.Contains(result.LogTail, line => line.Contains("No matching distribution found for pf-pure", StringComparison.Ordinal));
            Assert.Contains($"Looking in indexes: {unreachable}", result.LogTail);
            Assert.DoesNotContain(result.LogTail, line => line.Contains(links.Path, StringComparison.Ordinal));
            Assert.Empty(Directory.GetFiles(request.WheelDirectory));
            var log = File.ReadAllText(request.LogPath);
            Assert.Contains("No matching distribution found for pf-pure", log, StringComparison.Ordinal);
            Assert.Contains($"# exit code {result.ExitCode}", log, StringComparison.Ordinal);
            // The index was unreachable: "No matching distribution found" is a passing failure here.
            Assert.True(result.Transient, $"not transient: {result.NetworkFailure}");
            Assert.Contains("Connection refused", result.NetworkFailure, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PIP_FIND_LINKS", original);
        }
    }

    [Theory]
    [InlineData("python3", 503, "Service Unavailable")] // pip 23.2
    [InlineData("2.7", 503, "Service Unavailable")] // pip 19.2.3
    [InlineData("3.6", 500, "Internal Server Error")] // pip 18.1
    [InlineData("3.13", 502, "Bad Gateway")] // pip 24.2
    public async Task A_download_answered_with_5xx_is_a_passing_failure(string python, int status, string reason)
    {
        var target = await _discovery.DiscoverAsync(python == "python3" ? python : Pythons.Pyenv(python), CancellationToken.None);
        await using var index = new StatusIndex(status, reason);
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["pf-pure"], index.SimpleUrl, TimeSpan.FromMinutes(2)) with { Retries = 0 };

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(index.Requests > 0, "pip never asked for the file");
        Assert.True(result.Transient, $"not transient ({result.NetworkFailure}):\n{string.Join('\n', result.LogTail)}");
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.NetworkFailure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("python3")] // pip 23.2
    [InlineData("2.7")] // pip 19.2.3
    public async Task A_distribution_a_reachable_index_lacks_is_a_lasting_failure(string python)
    {
        var target = await _discovery.DiscoverAsync(python == "python3" ? python : Pythons.Pyenv(python), CancellationToken.None);
        await using var index = await StaticIndex.StartAsync(new Dictionary<string, string[]> { ["pf-pure"] = [await DistFixtures.PathAsync(PurePackage)] });
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["pf-nowhere"], index.SimpleUrl, TimeSpan.FromMinutes(2)) with { Retries = 0 };

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.LogTail, line => line.Contains("No matching distribution found for pf-nowhere", StringComparison.Ordinal));
        Assert.False(result.Transient, $"transient: {result.NetworkFailure}");
        Assert.Null(result.NetworkFailure);
    }

    [Fact]
    public async Task A_requirement_that_looks_like_an_option_stays_a_requirement()
    {
        var target = await _discovery.DiscoverAsync(Pythons.Pyenv("2.7"), CancellationToken.None);
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["--index-url=http://example.invalid/"], new Uri($"http://127.0.0.1:{StaticIndex.FreePort()}/simple/"), TimeSpan.FromMinutes(2))
            with { Retries = 0 };

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        // After "--" pip parses it as a requirement (and rejects it) instead of obeying it.
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.LogTail, line => line.Contains("Invalid requirement", StringComparison.Ordinal));
        Assert.DoesNotContain(result.LogTail, line => line.Contains("example.invalid", StringComparison.Ordinal) && line.Contains("Retrying", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("python3")] // pip 23.2
    [InlineData("2.7")] // pip 19.2.3
    public async Task Cancelling_a_waiting_pip_interrupts_it_within_the_grace_period(string python)
    {
        var target = await _discovery.DiscoverAsync(python == "python3" ? python : Pythons.Pyenv(python), CancellationToken.None);
        using var index = new SilentIndex();
        using var work = new TempDirectory();
        var request = Requests.For(target, work, ["pf-pure"], index.SimpleUrl, TimeSpan.FromMinutes(2));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();

        var run = _runner.RunAsync(request, line =>
        {
            if (line.StartsWith("Looking in indexes", StringComparison.Ordinal))
                waiting.TrySetResult();
        }, cancellation.Token);
        var started = await Task.WhenAny(waiting.Task, Task.Delay(TimeSpan.FromSeconds(30))) == waiting.Task;
        Assert.True(started, "pip did not reach the index within 30 s; its log:\n" + (File.Exists(request.LogPath) ? await File.ReadAllTextAsync(request.LogPath) : "(none)"));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // pip is now blocked reading from the index
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(stopwatch.Elapsed < PipWheelRunner.GracePeriod, $"pip took {stopwatch.Elapsed} to stop after SIGINT");
        Assert.Contains(File.ReadLines(request.LogPath), line => line.StartsWith("# cancelled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pip_waiting_past_the_timeout_is_killed_and_reported()
    {
        var target = await _discovery.DiscoverAsync("python3", CancellationToken.None);
        using var index = new SilentIndex();
        using var work = new TempDirectory();
        // Long enough for pip to start and reach the index even on a loaded 2-core CI machine.
        var request = Requests.For(target, work, ["pf-pure"], index.SimpleUrl, TimeSpan.FromSeconds(10));

        var result = await _runner.RunAsync(request, null, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Contains($"Looking in indexes: {index.SimpleUrl}", result.LogTail);
        Assert.InRange(result.Duration, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(25));
    }
}
