using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>One target of a <see cref="BuildRecord"/>. Changed only by <see cref="BuildRecords"/>, under its lock; every
/// state change goes through <see cref="TargetTransitions"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A record lives as long as the server; a CancellationTokenSource without a timer holds nothing to release.")]
internal sealed class TargetRecord(string name, string logPath)
{
    public const int TailLines = 200;

    /// <summary>A reason longer than this is cut: it is one line for a person, and the error and the log say more.</summary>
    public const int MaxReasonLength = 500;

    private readonly Queue<string> tail = new();
    private readonly List<PublishedWheel> wheels = [];
    private CancellationTokenSource cancellation = new();

    public string Name { get; } = name;

    public string LogPath { get; } = logPath;

    public TargetState State { get; private set; } = TargetState.Queued;

    public string? JobId { get; private set; }

    public string? Error { get; private set; }

    /// <summary>One line for a person: why the target failed, was cancelled or is not applicable (null while it runs
    /// and when it succeeded).</summary>
    public string? Reason { get; private set; }

    public FailureKind Kind { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public TimeSpan? Duration { get; private set; }

    public bool CancelRequested { get; private set; }

    /// <summary>Signalled when a person cancels the build (the embedded agent stops pip with it).</summary>
    public CancellationToken Cancelled => cancellation.Token;

    public bool IsFinished => TargetTransitions.IsFinal(State);

    /// <summary>The sha256 of the secret the remote agent that began this target holds (null when no remote agent
    /// holds it). Only the hash is kept, in memory and in PostgreSQL.</summary>
    public string? ClaimHash { get; private set; }

    public bool IsHeldBy(string? claim) => TargetClaim.Matches(ClaimHash, claim);

    /// <summary>Set while the target runs and the agent that held it is gone; cleared when an agent begins it again or it ends.</summary>
    public AgentLoss? AgentLost { get; private set; }

    /// <summary>While running: notes that the agent holding the target is gone (<paramref name="loss"/>) or, with null,
    /// that it beats again. False (nothing changes) when the target is not running or this is already noted.</summary>
    public bool NoteAgent(AgentLoss? loss)
    {
        if (State != TargetState.Running || AgentLost?.Agent == loss?.Agent)
        {
            return false;
        }

        AgentLost = loss;
        return true;
    }

    public void AssignJob(string jobId) => JobId = jobId;

    /// <summary>Queued or running → running. A remote agent gets a new claim (any earlier one stops working); the
    /// embedded agent holds none.</summary>
    public string? Begin(DateTimeOffset now, bool remote)
    {
        MoveTo(TargetState.Running);
        StartedAt = now;
        AgentLost = null;
        if (!remote)
        {
            ClaimHash = null;
            return null;
        }

        var (secret, hash) = TargetClaim.New();
        ClaimHash = hash;
        return secret;
    }

    public void AddLine(string line)
    {
        tail.Enqueue(line);
        while (tail.Count > TailLines)
        {
            tail.Dequeue();
        }
    }

    /// <summary>How the agent says the target ended: its wheels, duration, error and (when no line came in) log tail.</summary>
    public void Complete(TargetOutcome outcome, DateTimeOffset now)
    {
        ClaimHash = null;
        wheels.Clear();
        wheels.AddRange(outcome.Wheels);
        Duration = outcome.Duration;
        Error = outcome.Error;
        if (outcome.State != TargetState.Succeeded)
        {
            Reason = OneLine(outcome.Reason) ?? OneLine(outcome.Error?.Split('\n')[0]);
            Kind = outcome.Kind == FailureKind.None ? FailureKind.Other : outcome.Kind;
        }

        if (outcome.LogTail.Count > 0 && tail.Count == 0)
        {
            foreach (var line in outcome.LogTail)
            {
                AddLine(line);
            }
        }

        Finish(outcome.State, outcome.Error, now);
    }

    /// <summary>Ends the target with <paramref name="state"/>, keeping an error (and reason) already given.</summary>
    public void Finish(TargetState state, string? error, DateTimeOffset now, FailureKind kind = FailureKind.Other)
    {
        MoveTo(state);
        Error ??= error;
        if (state != TargetState.Succeeded)
        {
            Reason ??= OneLine(error);
            Kind = Kind == FailureKind.None ? kind : Kind;
        }

        FinishedAt = now;
        AgentLost = null;
    }

    /// <summary>Marks the cancellation and signals the embedded agent; a target that had not started is cancelled at once.</summary>
    public void RequestCancel(DateTimeOffset now)
    {
        CancelRequested = true;
        if (State == TargetState.Queued)
        {
            Finish(TargetState.Cancelled, "Cancelled before it started.", now, FailureKind.Cancelled);
        }

        cancellation.Cancel();
    }

    /// <summary>Failed or cancelled → queued: a new attempt, told in the log (<paramref name="note"/>). What the last
    /// attempt left (error, wheels, times, a cancellation) is cleared; its log lines stay, above the note.</summary>
    public void Requeue(string note)
    {
        MoveTo(TargetState.Queued);
        if (CancelRequested)
        {
            // The old source stays cancelled for whoever still holds its token; the new attempt gets a fresh one.
            cancellation = new CancellationTokenSource();
            CancelRequested = false;
        }

        ClaimHash = null;
        wheels.Clear();
        Error = null;
        Reason = null;
        Kind = FailureKind.None;
        StartedAt = null;
        FinishedAt = null;
        Duration = null;
        AddLine(note);
    }

    public TargetSnapshot Snapshot() =>
        new(Name, State, JobId, [.. wheels], Error, [.. tail], StartedAt, FinishedAt, Duration, CancelRequested, AgentLost, Reason, Kind);

    public StoredTarget ToStored() =>
        new(Name, LogPath, State, JobId, [.. wheels], Error, [.. tail], StartedAt, FinishedAt, Duration, CancelRequested, ClaimHash, AgentLost, Reason, Kind);

    /// <summary>A target that is not built: a requirement's Requires-Python excludes its Python (<paramref name="reason"/>
    /// says which). Final from the start; nothing is queued for it.</summary>
    public static TargetRecord NotApplicable(string name, string logPath, string reason, DateTimeOffset now) =>
        new(name, logPath)
        {
            State = TargetState.NotApplicable,
            Reason = OneLine(reason),
            Kind = FailureKind.RequiresPython,
            FinishedAt = now,
        };

    /// <summary>The first line of <paramref name="text"/>, trimmed, without control characters and cut at
    /// <see cref="MaxReasonLength"/>; null when nothing is left.</summary>
    public static string? OneLine(string? text)
    {
        var line = text?.Split('\n', 2)[0].Trim();
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        var clean = new string([.. line.Take(MaxReasonLength).Select(static c => char.IsControl(c) ? ' ' : c)]);
        return line.Length > MaxReasonLength ? clean + "…" : clean;
    }

    public static TargetRecord FromStored(StoredTarget stored)
    {
        var target = new TargetRecord(stored.Name, stored.LogPath)
        {
            State = stored.State,
            JobId = stored.JobId,
            Error = stored.Error,
            Reason = stored.Reason,
            Kind = stored.Kind,
            StartedAt = stored.StartedAt,
            FinishedAt = stored.FinishedAt,
            Duration = stored.Duration,
            CancelRequested = stored.CancelRequested,
            ClaimHash = stored.ClaimHash,
            AgentLost = stored.AgentLost,
        };
        target.wheels.AddRange(stored.Wheels);
        foreach (var line in stored.Tail)
        {
            target.AddLine(line);
        }

        if (stored.CancelRequested)
        {
            target.cancellation.Cancel();
        }

        return target;
    }

    private void MoveTo(TargetState state)
    {
        if (!TargetTransitions.Allows(State, state))
        {
            throw new InvalidOperationException($"Target {Name} cannot go from {State} to {state}.");
        }

        State = state;
    }
}
