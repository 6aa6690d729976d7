using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The one owner of build records: Queued → Running → Succeeded | Failed | Cancelled, each change saved and
/// told to the watchers, a finished target never changing again.</summary>
public sealed class BuildRecordsSpecs : IDisposable
{
    private readonly BuildParts parts = new();

    private BuildRecords Records => parts.Records;

    public void Dispose() => parts.Dispose();

    [Fact]
    public void Beginning_a_queued_target_runs_it_saves_and_hands_out_what_to_build()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        var saves = parts.Store.Saves.Count;
        parts.Time.Advance(TimeSpan.FromSeconds(5));

        var start = Records.Begin(build.Id, BuildParts.Cp311, remote: false);

        Assert.NotNull(start);
        Assert.Equal(["pf-cext==1.0"], start.Requirements);
        Assert.Null(start.Claim);
        Assert.EndsWith(Path.Combine(build.Id, BuildParts.Cp311 + ".log"), start.LogPath);
        var now = Records.Find(build.Id)!;
        Assert.Equal(TargetState.Running, now.State);
        Assert.Equal(parts.Time.GetUtcNow(), now.Targets[0].StartedAt);
        Assert.Equal(saves + 1, parts.Store.Saves.Count);
        Assert.Equal(TargetState.Running, parts.Store.Saves[^1].Targets[0].State);
    }

    [Fact]
    public void Saves_carry_rising_versions_so_a_late_save_of_an_older_state_loses()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded));

        var versions = parts.Store.Saves.Select(static s => s.Version).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public void A_remote_agent_gets_a_claim_and_a_second_begin_replaces_it()
    {
        var build = parts.Schedule(BuildParts.Cp311);

        var first = Records.Begin(build.Id, BuildParts.Cp311, remote: true)!;
        var second = Records.Begin(build.Id, BuildParts.Cp311, remote: true)!;

        Assert.NotNull(first.Claim);
        Assert.IsType<TargetHold.NotHeld>(Records.Hold(build.Id, BuildParts.Cp311, first.Claim));
        var held = Assert.IsType<TargetHold.Held>(Records.Hold(build.Id, BuildParts.Cp311, second.Claim));
        Assert.Equal(build.Id, held.BuildId);
        Assert.IsType<TargetHold.NotHeld>(Records.Hold(build.Id, BuildParts.Cp311, null));
        Assert.IsType<TargetHold.NoTarget>(Records.Hold(build.Id, BuildParts.Cp312, second.Claim));
        Assert.IsType<TargetHold.NoBuild>(Records.Hold("nope", BuildParts.Cp311, second.Claim));
    }

    [Fact]
    public void Completing_a_running_target_records_the_outcome_and_ends_the_build()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        Records.Begin(build.Id, BuildParts.Cp311, remote: true);
        parts.Time.Advance(TimeSpan.FromMinutes(1));
        var wheel = new PublishedWheel("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", 10, new string('a', 64), WheelPublishOutcome.Published, null);

        Assert.True(Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded, wheels: [wheel], tail: ["built"])));

        var done = Records.Find(build.Id)!;
        Assert.Equal(TargetState.Succeeded, done.State);
        Assert.Equal(parts.Time.GetUtcNow(), done.FinishedAt);
        Assert.Equal([wheel], done.Targets[0].Wheels);
        Assert.Equal(["built"], done.Targets[0].Tail);
        Assert.Null(parts.Store.Saves[^1].Targets[0].ClaimHash); // the agent holds it no more
        Assert.Equal(TargetState.Succeeded, parts.Store.Saves[^1].Targets[0].State);
    }

    [Theory]
    [InlineData(TargetState.Succeeded)]
    [InlineData(TargetState.Failed)]
    [InlineData(TargetState.Cancelled)]
    public void A_finished_target_never_changes(TargetState ended)
    {
        var build = parts.Schedule(BuildParts.Cp311);
        Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        Records.Complete(build.Id, BuildParts.Cp311, Outcome(ended, error: "first"));
        var saves = parts.Store.Saves.Count;

        Assert.Null(Records.Begin(build.Id, BuildParts.Cp311, remote: false));
        Assert.False(Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded, error: "second")));

        var target = Records.Find(build.Id)!.Targets[0];
        Assert.Equal((ended, "first"), (target.State, target.Error));
        Assert.Equal(saves, parts.Store.Saves.Count);
    }

    [Fact]
    public void A_queued_target_cannot_be_completed_and_a_running_one_not_completed_as_running()
    {
        var build = parts.Schedule(BuildParts.Cp311);

        Assert.False(Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded)));
        Assert.Equal(TargetState.Queued, Records.Find(build.Id)!.State);

        Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        Assert.False(Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Running)));
        Assert.False(Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Queued)));
        Assert.False(Records.Complete("nope", BuildParts.Cp311, Outcome(TargetState.Succeeded)));
    }

    [Theory]
    [InlineData(TargetState.Queued, TargetState.Running, true)]
    [InlineData(TargetState.Queued, TargetState.Cancelled, true)]
    [InlineData(TargetState.Queued, TargetState.Failed, true)]
    [InlineData(TargetState.Queued, TargetState.Succeeded, false)]
    [InlineData(TargetState.Running, TargetState.Running, true)]
    [InlineData(TargetState.Running, TargetState.Succeeded, true)]
    [InlineData(TargetState.Running, TargetState.Failed, true)]
    [InlineData(TargetState.Running, TargetState.Cancelled, true)]
    [InlineData(TargetState.Running, TargetState.Queued, false)]
    [InlineData(TargetState.Succeeded, TargetState.Failed, false)]
    [InlineData(TargetState.Failed, TargetState.Running, false)]
    [InlineData(TargetState.Cancelled, TargetState.Queued, true)]
    [InlineData(TargetState.Failed, TargetState.Queued, true)]
    [InlineData(TargetState.Succeeded, TargetState.Queued, false)]
    public void The_transition_table(TargetState from, TargetState to, bool allowed) =>
        Assert.Equal(allowed, TargetTransitions.Allows(from, to));

    [Fact]
    public void Cancelling_ends_queued_targets_at_once_and_signals_running_ones()
    {
        var build = parts.Schedule(BuildParts.Cp311, BuildParts.Cp312);
        var running = Records.Begin(build.Id, BuildParts.Cp311, remote: false)!;

        var (cancelled, jobIds) = Records.Cancel(build.Id)!.Value;

        Assert.True(running.Cancelled.IsCancellationRequested);
        Assert.Equal(2, jobIds.Count);
        var byName = cancelled.Targets.ToDictionary(static t => t.Name);
        Assert.Equal(TargetState.Running, byName[BuildParts.Cp311].State); // its agent ends it
        Assert.Equal((TargetState.Cancelled, "Cancelled before it started."), (byName[BuildParts.Cp312].State, byName[BuildParts.Cp312].Error));
        Assert.True(Records.CancelRequested(build.Id, BuildParts.Cp311));
        Assert.All(parts.Store.Saves[^1].Targets, static t => Assert.True(t.CancelRequested));
        Assert.Null(Records.Begin(build.Id, BuildParts.Cp311, remote: false)); // a re-run job exits early
        Assert.Null(Records.Cancel("nope"));
    }

    [Fact]
    public async Task Watchers_get_the_build_then_every_change_and_line_and_end_with_the_build()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        var watch = Records.Watch(build.Id)!;

        Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        Records.AppendLog(build.Id, BuildParts.Cp311, "Building wheel for pf-cext");
        Records.Complete(build.Id, BuildParts.Cp311, Outcome(TargetState.Succeeded));

        var changes = new List<BuildChange>();
        await foreach (var change in watch.ReadAllAsync())
        {
            changes.Add(change);
        }

        Assert.Equal(
            [TargetState.Queued, TargetState.Running, null, TargetState.Succeeded],
            changes.Select(static c => c.Build?.State));
        Assert.Equal(new BuildLogLine(BuildParts.Cp311, "Building wheel for pf-cext", parts.Time.GetUtcNow()), changes[2].Line);
        Assert.Equal(["Building wheel for pf-cext"], Records.Find(build.Id)!.Targets[0].Tail);
        Assert.Null(Records.Watch("nope"));
    }

    [Fact]
    public void A_watcher_of_a_finished_build_gets_it_once_and_is_done()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        Records.Cancel(build.Id);

        var watch = Records.Watch(build.Id)!;

        Assert.True(watch.TryRead(out var only));
        Assert.Equal(TargetState.Cancelled, only.Build!.State);
        Assert.True(watch.Completion.IsCompleted);
    }

    [Fact]
    public void The_tail_keeps_the_last_lines_and_log_lines_are_not_saved()
    {
        var build = parts.Schedule(BuildParts.Cp311);
        Records.Begin(build.Id, BuildParts.Cp311, remote: false);
        var saves = parts.Store.Saves.Count;

        for (var i = 0; i < TargetRecord.TailLines + 5; i++)
        {
            Records.AppendLog(build.Id, BuildParts.Cp311, $"line {i}");
        }

        var tail = Records.Find(build.Id)!.Targets[0].Tail;
        Assert.Equal(TargetRecord.TailLines, tail.Count);
        Assert.Equal("line 5", tail[0]);
        Assert.Equal(saves, parts.Store.Saves.Count);
    }

    [Fact]
    public void A_restored_build_is_served_as_saved_and_keeps_its_claim_and_cancellation()
    {
        var build = parts.Schedule(BuildParts.Cp311, BuildParts.Cp312);
        var claim = Records.Begin(build.Id, BuildParts.Cp311, remote: true)!.Claim;
        Records.Cancel(build.Id);
        using var restarted = new BuildParts();

        restarted.Records.Restore([parts.Store.Saves[^1]]);

        Assert.Equal(Records.Find(build.Id), restarted.Records.Find(build.Id), BuildSnapshotComparer.Instance);
        Assert.IsType<TargetHold.Held>(restarted.Records.Hold(build.Id, BuildParts.Cp311, claim));
        Assert.True(restarted.Records.CancelRequested(build.Id, BuildParts.Cp311));
        Assert.Null(restarted.Records.Begin(build.Id, BuildParts.Cp311, remote: false));
    }

    private static TargetOutcome Outcome(TargetState state, string? error = null, IReadOnlyList<PublishedWheel>? wheels = null, IReadOnlyList<string>? tail = null) =>
        new(state, error, tail ?? [], wheels ?? [], TimeSpan.FromSeconds(3));
}
