using PypiForge.Agent.Building;
using PypiForge.Agent.Pip;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Tests.Building;

/// <summary>How a target ends from pip's result and what became of its wheels.</summary>
public sealed class TargetVerdictSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    [Fact]
    public void Pip_succeeding_with_every_wheel_served_succeeds()
    {
        var verdict = TargetVerdict.Of(Pip(0), [Wheel("a", WheelPublishOutcome.Published), Wheel("b", WheelPublishOutcome.AlreadyServed)], Timeout);

        Assert.Equal((TargetState.Succeeded, (string?)null, (string?)null, FailureKind.None), verdict);
    }

    [Fact]
    public void A_wheel_whose_name_is_served_with_other_bytes_does_not_fail_the_target()
    {
        // A rebuild that is not byte for byte the same: a wheel of that name is served, as the target asked.
        var verdict = TargetVerdict.Of(Pip(0), [Wheel("a", WheelPublishOutcome.Conflict)], Timeout);

        Assert.Equal(TargetState.Succeeded, verdict.State);
    }

    [Fact]
    public void Pip_failing_names_the_projects_it_could_not_build_and_the_wheels_that_are_served_anyway()
    {
        var verdict = TargetVerdict.Of(Pip(1, "pylibmc"), [Wheel("pysendfile", WheelPublishOutcome.Published)], Timeout);

        Assert.Equal(TargetState.Failed, verdict.State);
        Assert.Equal(
            "pip could not build pylibmc (pip wheel exited with code 1). 1 wheel of this build is served: pysendfile-1.0-cp311-cp311-linux_x86_64.whl.",
            verdict.Error);
    }

    [Fact]
    public void Pip_failing_on_an_unreachable_index_in_every_run_says_so_and_how_often_it_ran()
    {
        const string refused = "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/pf-late/";
        var result = new PipWheelResult(1, false, [], TimeSpan.FromSeconds(1)) { FailedProjects = ["pf-late"], NetworkFailure = refused };

        var verdict = TargetVerdict.Of(result, [], Timeout, runs: 4);

        Assert.True(result.Transient);
        Assert.Equal(
            $"An index could not be reached or failed in each of 4 runs of pip (Agent:TransientRetries): {refused} pip found or built no pf-late. No wheel of this build is served.",
            verdict.Error);
    }

    [Theory]
    [InlineData(1, false, false, true)]
    [InlineData(1, true, false, false)] // a compile error next to the network failure: the compile error stays
    [InlineData(1, false, true, false)] // stopped by the timeout
    [InlineData(137, false, false, false)] // killed
    [InlineData(0, false, false, false)]
    public void Only_a_failed_pip_run_with_a_network_failure_and_no_failed_build_is_transient(int exitCode, bool buildFailed, bool timedOut, bool transient)
    {
        var result = new PipWheelResult(exitCode, timedOut, [], TimeSpan.FromSeconds(1)) { BuildFailed = buildFailed, NetworkFailure = "Connection refused" };

        Assert.Equal(transient, result.Transient);
        Assert.False(new PipWheelResult(1, false, [], TimeSpan.FromSeconds(1)).Transient); // no network failure: lasting
    }

    [Fact]
    public void Pip_failing_without_naming_a_project_gives_its_exit_code()
    {
        var verdict = TargetVerdict.Of(Pip(2), [], Timeout);

        Assert.Equal((TargetState.Failed, "pip wheel exited with code 2. No wheel of this build is served."), (verdict.State, verdict.Error));
    }

    [Fact]
    public void A_timed_out_build_says_so_and_what_was_served_by_then()
    {
        var result = Pip(137, "lxml") with { TimedOut = true };

        var verdict = TargetVerdict.Of(result, [Wheel("crcmod", WheelPublishOutcome.Published)], Timeout);

        Assert.Equal(
            "pip wheel did not finish within 00:30:00 (Agent:BuildTimeout) and was stopped. By then pip could not build lxml. "
            + "1 wheel of this build is served: crcmod-1.0-cp311-cp311-linux_x86_64.whl.",
            verdict.Error);
    }

    [Fact]
    public void Pip_succeeding_with_every_wheel_rejected_fails_naming_the_files_and_why()
    {
        var verdict = TargetVerdict.Of(Pip(0), [Wheel("a", WheelPublishOutcome.Rejected, "its tags do not fit")], Timeout);

        Assert.Equal(
            (TargetState.Failed, "Every wheel pip built was rejected (1). No wheel of this build is served. Rejected: a-1.0-cp311-cp311-linux_x86_64.whl (its tags do not fit)."),
            (verdict.State, verdict.Error));
        Assert.Equal(FailureKind.Publish, verdict.Kind);
        Assert.Equal("every wheel pip built was rejected by the server: a-1.0-cp311-cp311-linux_x86_64.whl (its tags do not fit)", verdict.Reason);
    }

    [Fact]
    public void Pip_succeeding_with_one_wheel_rejected_fails_and_lists_both()
    {
        var verdict = TargetVerdict.Of(
            Pip(0),
            [Wheel("jinja2", WheelPublishOutcome.Published), Wheel("markupsafe", WheelPublishOutcome.Rejected, "its tags do not fit")],
            Timeout);

        Assert.Equal(
            (TargetState.Failed, "1 of the 2 wheels pip built were rejected. 1 wheel of this build is served: jinja2-1.0-cp311-cp311-linux_x86_64.whl. "
                + "Rejected: markupsafe-1.0-cp311-cp311-linux_x86_64.whl (its tags do not fit)."),
            (verdict.State, verdict.Error));
    }

    [Fact]
    public void Pip_succeeding_without_a_wheel_fails()
    {
        var verdict = TargetVerdict.Of(Pip(0), [], Timeout);

        Assert.Equal((TargetState.Failed, "pip wheel exited with code 0 but left no wheel in its folder. No wheel of this build is served."), (verdict.State, verdict.Error));
        Assert.Equal((FailureKind.Publish, "pip wheel succeeded but made no wheel, so nothing was published"), (verdict.Kind, verdict.Reason));
    }

    [Fact]
    public void Only_the_first_ten_served_wheels_are_named()
    {
        var wheels = Enumerable.Range(1, 12).Select(n => Wheel($"p{n:00}", WheelPublishOutcome.Published)).ToList();

        var verdict = TargetVerdict.Of(Pip(1, "broken"), wheels, Timeout);

        Assert.EndsWith("12 wheels of this build are served: p01-1.0-cp311-cp311-linux_x86_64.whl, "
            + string.Join(", ", Enumerable.Range(2, 9).Select(n => $"p{n:00}-1.0-cp311-cp311-linux_x86_64.whl")) + " and 2 more.", verdict.Error, StringComparison.Ordinal);
    }

    private static PipWheelResult Pip(int exitCode, params string[] failed) =>
        new(exitCode, TimedOut: false, [], TimeSpan.FromSeconds(3)) { FailedProjects = failed };

    private static PublishedWheel Wheel(string project, WheelPublishOutcome outcome, string? detail = null) =>
        new($"{project}-1.0-cp311-cp311-linux_x86_64.whl", 1000, new string('0', 64), outcome, detail);
}
