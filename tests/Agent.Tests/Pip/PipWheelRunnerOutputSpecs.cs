using PypiForge.Agent.Pip;
using PypiForge.Agent.Tests.Support;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>Where the child's output goes: log file, capped tail and callback (fake interpreter).</summary>
public sealed class PipWheelRunnerOutputSpecs
{
    private readonly PipWheelRunner _runner = Sandboxes.Runner(Sandboxes.None());

    [Fact]
    public async Task A_flood_of_output_keeps_a_capped_tail_and_logs_every_line()
    {
        using var fake = new FakeInterpreter("seq 1 100000; head -c 10000 /dev/zero | tr '\\0' x; echo");
        using var work = new TempDirectory();
        var count = 0;

        var result = await _runner.RunAsync(fake.Request(work), _ => count++, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(100_001, count);
        Assert.Equal(200, result.LogTail.Count);
        Assert.Equal("99802", result.LogTail[0]);
        Assert.Equal("100000", result.LogTail[^2]);
        Assert.Equal(new string('x', 4096), result.LogTail[^1]);
        var log = await File.ReadAllLinesAsync(work.Combine("logs", "pip.log"));
        Assert.Equal(Enumerable.Range(1, 100_000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), log.Skip(1).Take(100_000));
        Assert.Equal(new string('x', 10_000), log[100_001]);
    }

    [Fact]
    public async Task The_log_is_appended_to()
    {
        using var fake = new FakeInterpreter("echo run");
        using var work = new TempDirectory();

        await _runner.RunAsync(fake.Request(work), null, CancellationToken.None);
        await _runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.Equal(2, File.ReadLines(work.Combine("logs", "pip.log")).Count(line => line == "run"));
    }

    [Fact]
    public async Task A_throwing_callback_does_not_stop_the_run()
    {
        using var fake = new FakeInterpreter("seq 1 1000");
        using var work = new TempDirectory();

        var result = await _runner.RunAsync(fake.Request(work), _ => throw new InvalidOperationException("observer bug"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("1000", result.LogTail[^1]);
    }
}
