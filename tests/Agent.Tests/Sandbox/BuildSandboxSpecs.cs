using PypiForge.Agent.Pip;
using PypiForge.Agent.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Agent.Tests.Sandbox;

/// <summary>
/// The sandbox's limits and environment, with a fake interpreter (a bash script) run by the real runner in real
/// bubblewrap: each limit stops what breaks it, and the build sees only its own folder and variables.
/// </summary>
public sealed class BuildSandboxSpecs
{
    [Fact]
    public async Task A_build_writing_past_its_scratch_limit_is_stopped_and_told_which_key_to_raise()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o =>
        {
            o.Limits.ScratchMiB = 16;
            o.Limits.ScratchCheckInterval = TimeSpan.FromMilliseconds(200);
        }));
        // Many files, each under the per-file limit: only the folder's total breaks the limit.
        using var fake = new FakeInterpreter("for i in $(seq 1 40); do head -c 1048576 /dev/zero > \"$HOME/fill-$i\"; done; echo filled; sleep 60");
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(result.TimedOut);
        Assert.Contains("Agent:Limits:ScratchMiB", result.LimitExceeded, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(30), $"stopped after {result.Duration}");
    }

    [Fact]
    public async Task No_single_file_may_exceed_the_scratch_limit()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o => o.Limits.ScratchMiB = 16));
        using var fake = new FakeInterpreter("head -c 33554432 /dev/zero > \"$HOME/big\"; echo \"exit $?\"; ls -l \"$HOME/big\" | awk '{print \"size\", $5}'");
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.Contains("size 16777216", result.LogTail);
        Assert.DoesNotContain("exit 0", result.LogTail);
    }

    [Fact]
    public async Task A_process_in_a_session_of_its_own_does_not_outlive_a_build_that_timed_out()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap());
        var marker = HostProcesses.Marker();
        // Escapes pip's process group (its own session, detached from the output), then the build hangs past its timeout.
        using var fake = new FakeInterpreter($"setsid sleep {marker} </dev/null >/dev/null 2>&1 & sleep 300");
        using var work = new TempDirectory();

        var run = runner.RunAsync(fake.Request(work, TimeSpan.FromSeconds(5)), null, CancellationToken.None);
        IReadOnlyList<int> escaped = [];
        for (var attempt = 0; attempt < 100 && escaped.Count == 0 && !run.IsCompleted; attempt++)
        {
            await Task.Delay(50);
            escaped = HostProcesses.WithArgument(marker);
        }

        var result = await run;

        Assert.NotEmpty(escaped);
        Assert.True(result.TimedOut);
        Assert.Empty(await Processes.WaitUntilGoneAsync(escaped, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_build_outlives_the_thread_that_started_it()
    {
        // bwrap --die-with-parent follows the thread that forked it; the thread that asks for a build may end any time.
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap());
        using var fake = new FakeInterpreter("sleep 2; echo survived");
        using var work = new TempDirectory();
        Task<PipWheelResult>? run = null;
        var starter = new Thread(() => run = runner.RunAsync(fake.Request(work), null, CancellationToken.None));
        starter.Start();
        starter.Join();

        var result = await run!;

        Assert.True(result.Succeeded, $"exit code {result.ExitCode}: " + string.Join('\n', result.LogTail));
        Assert.Equal(["survived"], result.LogTail);
    }

    [Fact]
    public async Task A_build_cannot_start_more_processes_than_its_limit()
    {
        // Users of its own: the limit counts every process of the build's user, and other specs' sandboxes start at 63000.
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o =>
        {
            o.Limits.Processes = 16;
            o.SandboxFirstUid = 64500;
        }));
        using var fake = new FakeInterpreter("""
            exec /usr/bin/python3 -c '
            import os, signal, time
            children = []
            for _ in range(40):
                try:
                    pid = os.fork()
                except OSError as e:
                    print("fork refused:", os.strerror(e.errno))
                    break
                if pid == 0:
                    time.sleep(30)
                    os._exit(0)
                children.append(pid)
            print("started %d" % len(children))
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            '
            """);
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.Contains("fork refused: Resource temporarily unavailable", result.LogTail);
        var started = int.Parse(result.LogTail.Single(static l => l.StartsWith("started ", StringComparison.Ordinal))[8..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(started, 1, 15);
    }

    [Fact]
    public async Task A_build_cannot_take_more_memory_than_its_limit()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o => o.Limits.MemoryMiB = 256));
        using var fake = new FakeInterpreter("/usr/bin/python3 -c 'x = bytearray(512 * 1024 * 1024); print(\"allocated\")'; echo \"python exit $?\"");
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.Contains(result.LogTail, static l => l.Contains("MemoryError", StringComparison.Ordinal));
        Assert.DoesNotContain("allocated", result.LogTail);
    }

    [Fact]
    public async Task A_build_runs_at_a_lower_priority_as_its_own_user_without_capabilities_in_its_own_namespaces()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o => { o.Limits.Nice = 7; o.Limits.IoPriority = 6; }));
        using var fake = new FakeInterpreter("""
            echo "nice $(nice)"
            echo "io $(ionice)"
            echo "session group $(cat /proc/self/autogroup)"
            chrt -p $$
            echo "uid $(id -u)"
            grep -E '^(CapEff|NoNewPrivs):' /proc/self/status
            echo "processes $(ls /proc | grep -cE '^[0-9]+$')"
            echo "hostname $(cat /proc/sys/kernel/hostname)"
            env | sort
            """);
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.True(result.Succeeded, $"exit code {result.ExitCode}:\n" + await File.ReadAllTextAsync(fake.Request(work).LogPath));
        Assert.Contains("nice 7", result.LogTail);
        Assert.Contains("io best-effort: prio 6", result.LogTail);
        // The build's session (setsid) is its own scheduling group: the group's nice is what ranks it against the server.
        Assert.Contains(result.LogTail, static l => l.StartsWith("session group /autogroup-", StringComparison.Ordinal) && l.EndsWith(" nice 7", StringComparison.Ordinal));
        Assert.Contains(result.LogTail, static l => l.Contains("scheduling policy: SCHED_IDLE", StringComparison.Ordinal));
        Assert.DoesNotContain("uid 0", result.LogTail);
        Assert.Contains(result.LogTail, static l => l.StartsWith("CapEff:", StringComparison.Ordinal) && l.EndsWith("0000000000000000", StringComparison.Ordinal));
        Assert.Contains(result.LogTail, static l => l.StartsWith("NoNewPrivs:", StringComparison.Ordinal) && l.EndsWith('1'));
        Assert.Contains("hostname pypiforge-build", result.LogTail);
        // bwrap's init, bash, and the few commands of the pipeline: nothing of the host.
        var processes = int.Parse(result.LogTail.Single(static l => l.StartsWith("processes ", StringComparison.Ordinal))[10..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(processes, 2, 8);
        Assert.Contains("HOME=/build", result.LogTail);
        Assert.Contains("TMPDIR=/build/tmp", result.LogTail);
        Assert.DoesNotContain(result.LogTail, static l => l.StartsWith("PIP_INDEX_URL=", StringComparison.Ordinal) || l.StartsWith("PYPIFORGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_the_servers_own_priority_a_build_keeps_the_normal_policy_and_its_session_nice()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap(static o => { o.Limits.Nice = 0; o.Limits.IdleScheduling = false; }));
        using var fake = new FakeInterpreter("""
            echo "nice $(nice)"
            echo "session group $(cat /proc/self/autogroup)"
            chrt -p $$
            """);
        using var work = new TempDirectory();

        var result = await runner.RunAsync(fake.Request(work), null, CancellationToken.None);

        Assert.True(result.Succeeded, $"exit code {result.ExitCode}");
        Assert.Contains("nice 0", result.LogTail);
        Assert.Contains(result.LogTail, static l => l.StartsWith("session group /autogroup-", StringComparison.Ordinal) && l.EndsWith(" nice 0", StringComparison.Ordinal));
        Assert.Contains(result.LogTail, static l => l.Contains("scheduling policy: SCHED_OTHER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_session_nice_step_leaves_a_session_it_does_not_lead_alone()
    {
        // Run from this test's own session (not a leader): the step must not renice the caller's scheduling group, which
        // for an embedded agent is the server's.
        var before = await File.ReadAllTextAsync("/proc/self/autogroup");
        var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", PypiForge.Agent.Sandbox.BuildSandbox.SessionNice, "12", "cat", "/proc/self/autogroup" })
            start.ArgumentList.Add(argument);
        using var shell = System.Diagnostics.Process.Start(start)!;
        var inside = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();

        Assert.Equal(0, shell.ExitCode);
        Assert.Equal(before, await File.ReadAllTextAsync("/proc/self/autogroup"));
        Assert.Equal(before.Trim(), inside.Trim());
        Assert.DoesNotContain("nice 12", inside, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_scratch_folder_is_writable_and_the_wheels_come_out_through_it()
    {
        var runner = Sandboxes.Runner(Sandboxes.Bubblewrap());
        using var fake = new FakeInterpreter("""
            wheels=""
            for arg in "$@"; do [ "$prev" = "-w" ] && wheels="$arg"; prev="$arg"; done
            echo "wheels $wheels"
            touch /usr/x /etc/x /x 2>/dev/null || echo "system read-only"
            echo made > "$wheels/pf_made-1.0-py3-none-any.whl"
            echo tmp > "$TMPDIR/in-tmp" && ls "$HOME/tmp"
            """);
        using var work = new TempDirectory();
        var request = fake.Request(work);

        var result = await runner.RunAsync(request, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join('\n', result.LogTail));
        Assert.Contains("wheels /build/wheels", result.LogTail);
        Assert.Contains("system read-only", result.LogTail);
        Assert.Contains("in-tmp", result.LogTail);
        Assert.Equal("made\n", await File.ReadAllTextAsync(Path.Combine(request.WheelDirectory, "pf_made-1.0-py3-none-any.whl")));
    }
}
