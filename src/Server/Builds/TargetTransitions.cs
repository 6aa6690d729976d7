using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>The one table of how a build target's state may change: Queued → Running → Succeeded | Failed | Cancelled.
/// A queued target may also be cancelled (before it started) or failed (its queueing failed); a running one may be
/// begun again (a re-run job or a new agent takes it over). A finished target does not change, with one exception a
/// person asks for: a failed or cancelled target whose Hangfire job is requeued (the dashboard's "Requeue") is queued
/// again, so the job that runs next is a new attempt rather than a re-run that finds the target ended
/// (<see cref="BuildRecords.Requeue"/>). A succeeded target stays succeeded: its wheels are served, and a new build
/// is the way to build it again. A not-applicable target (its Python is outside a requirement's Requires-Python) is final
/// from the start: it is made so when its build is opened (<see cref="TargetRecord.NotApplicable"/>) and never moves.</summary>
internal static class TargetTransitions
{
    public static bool IsFinal(TargetState state) =>
        state is TargetState.Succeeded or TargetState.Failed or TargetState.Cancelled or TargetState.NotApplicable;

    public static bool Allows(TargetState from, TargetState to) => (from, to) switch
    {
        (TargetState.Queued, TargetState.Running or TargetState.Cancelled or TargetState.Failed) => true,
        (TargetState.Running, TargetState.Running or TargetState.Succeeded or TargetState.Failed or TargetState.Cancelled) => true,
        (TargetState.Failed or TargetState.Cancelled, TargetState.Queued) => true,
        _ => false,
    };
}
