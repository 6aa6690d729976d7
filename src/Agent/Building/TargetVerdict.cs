using System.Text;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Targets;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Building;

/// <summary>
/// How a target ended once pip has run and its wheels went to the publisher. Like <c>pip wheel -w</c>, a build keeps
/// every wheel it made, so the outcome says both what failed and what is served. A target has failed when pip did,
/// and also when pip succeeded but a wheel it made was rejected (a wrong platform, bad metadata, a full disk) or it
/// made none: the target then lacks what was asked for, whatever pip's exit code says.
/// </summary>
internal static class TargetVerdict
{
    // The outcome lists every wheel; the error names only the first few.
    private const int NamedWheels = 10;

    /// <summary>The target's state and, when it failed, why, naming the requirements pip could not build, the
    /// wheels that were served anyway and the wheels that were refused.</summary>
    /// <param name="buildTimeout">The limit a timed-out run broke (Agent:BuildTimeout), for the message.</param>
    /// <param name="runs">How many times pip ran (more than once after passing failures, Agent:TransientRetries).</param>
    /// <param name="target">The target, for the one-line reason (its Python, its build root); null: not named.</param>
    public static (TargetState State, string? Error, string? Reason, FailureKind Kind) Of(
        PipWheelResult result, IReadOnlyList<PublishedWheel> wheels, TimeSpan buildTimeout, int runs = 1, BuildTarget? target = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(wheels);
        var refused = wheels.Where(static w => w.Outcome == WheelPublishOutcome.Rejected).ToList();
        string reason;
        (FailureKind Kind, string Reason) line;
        if (!result.Succeeded)
        {
            reason = PipFailure(result, buildTimeout, runs);
            line = PipReason.Of(result, target?.PythonVersion ?? "of this target", target?.Environment.Root, buildTimeout);
        }
        else if (wheels.Count == 0)
        {
            reason = "pip wheel exited with code 0 but left no wheel in its folder.";
            line = (FailureKind.Publish, "pip wheel succeeded but made no wheel, so nothing was published");
        }
        else if (refused.Count > 0)
        {
            reason = refused.Count == wheels.Count
                ? $"Every wheel pip built was rejected ({refused.Count})."
                : $"{refused.Count} of the {wheels.Count} wheels pip built were rejected.";
            line = (FailureKind.Publish, refused.Count == wheels.Count
                ? $"every wheel pip built was rejected by the server: {refused[0].FileName} ({refused[0].Detail ?? "rejected"})"
                : $"{refused.Count} of the {wheels.Count} wheels pip built were rejected by the server: {refused[0].FileName} ({refused[0].Detail ?? "rejected"})");
        }
        else
        {
            return (TargetState.Succeeded, null, null, FailureKind.None);
        }

        var error = new StringBuilder(reason);
        AppendServed(error, wheels);
        Append(error, "Rejected", refused);
        Append(error, "Not published", [.. wheels.Where(static w => w.Outcome == WheelPublishOutcome.Conflict)]);
        return (TargetState.Failed, error.ToString(), line.Reason, line.Kind);
    }

    private static string PipFailure(PipWheelResult result, TimeSpan buildTimeout, int runs)
    {
        if (result.Transient)
        {
            // Every run before the last failed the same passing way, or there would have been no further run.
            var when = runs == 1 ? string.Empty : $" in each of {runs} runs of pip (Agent:TransientRetries)";
            var missing = result.FailedProjects.Count == 0 ? string.Empty : $" pip found or built no {string.Join(", ", result.FailedProjects)}.";
            return $"An index could not be reached or failed{when}: {result.NetworkFailure}{missing}";
        }

        var stopped = result.LimitExceeded
            ?? (result.TimedOut ? $"pip wheel did not finish within {buildTimeout} (Agent:BuildTimeout) and was stopped." : null);
        var named = result.FailedProjects.Count == 0
            ? null
            : $"pip could not build {string.Join(", ", result.FailedProjects)}";
        return (stopped, named) switch
        {
            ({ } limit, null) => limit,
            ({ } limit, { } projects) => $"{limit} By then {projects}.",
            (null, { } projects) => $"{projects} (pip wheel exited with code {result.ExitCode}).",
            _ => $"pip wheel exited with code {result.ExitCode}.",
        };
    }

    private static void AppendServed(StringBuilder error, IReadOnlyList<PublishedWheel> wheels)
    {
        var served = wheels.Where(static w => w.Outcome is WheelPublishOutcome.Published or WheelPublishOutcome.AlreadyServed).ToList();
        if (served.Count == 0)
        {
            error.Append(" No wheel of this build is served.");
            return;
        }

        error.Append(served.Count == 1 ? " 1 wheel of this build is served: " : $" {served.Count} wheels of this build are served: ")
            .AppendJoin(", ", served.Take(NamedWheels).Select(static w => w.FileName));
        error.Append(served.Count > NamedWheels ? $" and {served.Count - NamedWheels} more." : ".");
    }

    private static void Append(StringBuilder error, string heading, List<PublishedWheel> wheels)
    {
        if (wheels.Count == 0)
            return;

        error.Append(' ').Append(heading).Append(": ")
            .AppendJoin("; ", wheels.Take(NamedWheels).Select(static w => w.Detail is null ? w.FileName : $"{w.FileName} ({w.Detail})"));
        error.Append(wheels.Count > NamedWheels ? $"; and {wheels.Count - NamedWheels} more." : ".");
    }
}
