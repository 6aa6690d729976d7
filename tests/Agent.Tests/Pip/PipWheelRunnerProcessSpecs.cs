using System.Diagnostics;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Tests.Support;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>
/// Process edge cases with a fake interpreter (a bash script that ignores pip's arguments), in
/// addition to the real pip runs in <see cref="PipWheelRunnerSpecs"/>: exit codes, timeouts,
/// cancellation and what is left behind.
/// </summary>
public sealed class PipWheelRunnerProcessSpecs
{
    private static readonly TimeSpan PidFileWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GoneWait = TimeSpan.FromSeconds(5);

    private readonly PipWheelRunner _runner = Sandboxes.Runner(Sandboxes.None());

    [Fact]
    public async Task The_exit_code_and_both_streams_are_reported()
    {
        using var fake = new FakeInterpreter("echo to-stdout; echo to-stderr >&2; exit 3");
        using var work = new TempDirectory();
        var lines = new List<string>();

        var result = await _runner.RunAsync(fake.Request(work), lines.Add, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Equal(["to-stderr", "to-stdout"], result.LogTail.Order(StringComparer.Ordinal));
        Assert.Equal(["to-stderr", "to-stdout"], lines.Order(StringComparer.Ordinal));
        var log = await File.ReadAllLinesAsync(work.Combine("logs", "pip.log"));
        Assert.Contains("to-stdout", log);
        Assert.Contains("to-stderr", log);
        Assert.Contains(log, line => line.StartsWith("# exit code 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_group_including_orphans()
    {
        // A child, a grandchild orphaned by its subshell (a tree walk from the leader misses it),
        // and a child that ignores SIGINT and SIGTERM.
        using var fake = new FakeInterpreter("""
            (sleep 300 & echo $! > orphan.pid)
            sleep 300 & echo $! > child.pid
            bash -c 'trap "" INT TERM; echo $$ > stubborn.pid; while true; do sleep 1; done' &
            echo $$ > leader.pid
            wait
            """);
        using var work = new TempDirectory();
        var request = fake.Request(work, timeout: TimeSpan.FromSeconds(2)) with { WorkingDirectory = fake.Scratch };
        var pids = new List<int>();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var result = await _runner.RunAsync(request, null, CancellationToken.None);
            stopwatch.Stop();

            foreach (var name in new[] { "leader", "child", "orphan", "stubborn" })
                pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, $"{name}.pid"), PidFileWait));
            Assert.True(result.TimedOut);
            Assert.False(result.Succeeded);
            Assert.Equal(137, result.ExitCode);
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
            Assert.Empty(await Processes.WaitUntilGoneAsync(pids, GoneWait));
            Assert.Contains(File.ReadLines(request.LogPath), line => line.StartsWith("# timed out after 2 s", StringComparison.Ordinal));
        }
        finally
        {
            pids.ForEach(Processes.KillIfRunning);
        }
    }

    [Fact]
    public async Task Cancellation_interrupts_the_group_and_throws()
    {
        // Like pip running setup.py: a child in the foreground, which a signal to pip alone would miss.
        using var fake = new FakeInterpreter("""
            echo $$ > leader.pid
            bash -c 'echo $$ > child.pid; exec sleep 300'
            """);
        using var work = new TempDirectory();
        var request = fake.Request(work) with { WorkingDirectory = fake.Scratch };
        using var cancellation = new CancellationTokenSource();
        var pids = new List<int>();
        try
        {
            var run = _runner.RunAsync(request, null, cancellation.Token);
            pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, "leader.pid"), PidFileWait));
            pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, "child.pid"), PidFileWait));
            var stopwatch = Stopwatch.StartNew();
            await cancellation.CancelAsync();

            var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

            // SIGINT reached every process of the group, so no kill was needed after the grace period.
            Assert.True(stopwatch.Elapsed < PipWheelRunner.GracePeriod, $"took {stopwatch.Elapsed}");
            Assert.Equal(cancellation.Token, exception.CancellationToken);
            Assert.Empty(await Processes.WaitUntilGoneAsync(pids, GoneWait));
        }
        finally
        {
            pids.ForEach(Processes.KillIfRunning);
        }
    }

    [Fact]
    public async Task Cancellation_kills_what_ignores_the_interrupt_after_the_grace_period()
    {
        using var fake = new FakeInterpreter("""
            trap '' INT
            sleep 300 & echo $! > child.pid
            echo $$ > leader.pid
            wait
            """);
        using var work = new TempDirectory();
        var request = fake.Request(work) with { WorkingDirectory = fake.Scratch };
        using var cancellation = new CancellationTokenSource();
        var pids = new List<int>();
        try
        {
            var run = _runner.RunAsync(request, null, cancellation.Token);
            pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, "leader.pid"), PidFileWait));
            pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, "child.pid"), PidFileWait));
            var stopwatch = Stopwatch.StartNew();
            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

            Assert.InRange(stopwatch.Elapsed, PipWheelRunner.GracePeriod - TimeSpan.FromMilliseconds(100), PipWheelRunner.GracePeriod + TimeSpan.FromSeconds(5));
            Assert.Empty(await Processes.WaitUntilGoneAsync(pids, GoneWait));
            Assert.Contains(File.ReadLines(request.LogPath), line => line.StartsWith("# cancelled", StringComparison.Ordinal));
        }
        finally
        {
            pids.ForEach(Processes.KillIfRunning);
        }
    }

    [Fact]
    public async Task A_process_left_behind_by_a_finished_pip_is_killed_at_once()
    {
        // The straggler keeps stdout open: without the kill, the run would last until the timeout.
        using var fake = new FakeInterpreter("sleep 300 & echo $! > straggler.pid; echo built; exit 0");
        using var work = new TempDirectory();
        var request = fake.Request(work, timeout: TimeSpan.FromSeconds(60)) with { WorkingDirectory = fake.Scratch };
        var pids = new List<int>();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var result = await _runner.RunAsync(request, null, CancellationToken.None);
            pids.Add(await Processes.ReadPidFileAsync(Path.Combine(fake.Scratch, "straggler.pid"), PidFileWait));

            Assert.True(result.Succeeded);
            Assert.Equal(["built"], result.LogTail);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
            Assert.Empty(await Processes.WaitUntilGoneAsync(pids, GoneWait));
        }
        finally
        {
            pids.ForEach(Processes.KillIfRunning);
        }
    }

    [Fact]
    public async Task A_vanished_interpreter_is_reported_before_anything_runs()
    {
        using var fake = new FakeInterpreter("exit 0");
        using var work = new TempDirectory();
        var request = fake.Request(work) with { Target = fake.Target with { Interpreter = "/nonexistent/python3.11" } };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => _runner.RunAsync(request, null, CancellationToken.None));

        Assert.Contains("/nonexistent/python3.11", exception.Message, StringComparison.Ordinal);
        Assert.Contains("discover the agent's targets again", exception.Message, StringComparison.Ordinal);
    }
}
