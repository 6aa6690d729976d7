using Hangfire.States;
using Hangfire.Storage;
using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>Hears a person requeue a build job that had ended (the dashboard's "Requeue", or Hangfire's
/// <c>IBackgroundJobClient.Requeue</c>) and queues its target again (<see cref="BuildRecords.Requeue"/>), so the job
/// builds instead of finding the target ended and succeeding with "Nothing to do". It runs in the server, inside
/// Hangfire's state change, so the target is queued before any agent can take the job.</summary>
internal sealed class BuildJobRequeue(BuildRecords records, ILogger<BuildJobRequeue> logger) : IApplyStateFilter
{
    // A job re-run after a shutdown or a lost agent is fetched again without a state change; only a person moves an
    // ended job back to Enqueued (Hangfire's own retries are off for builds: IBuildJob's AutomaticRetry).
    private static readonly string[] EndedStates = [SucceededState.StateName, FailedState.StateName, DeletedState.StateName];

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.NewState is not EnqueuedState || context.OldStateName is not { } old || !EndedStates.Contains(old, StringComparer.Ordinal)
            || context.BackgroundJob.Job is not { Args: [string buildId, _, string target, ..] } job || job.Type != typeof(IBuildJob))
        {
            return;
        }

        if (records.Requeue(buildId, target) is not { } requeued)
        {
            BuildsLog.RequeueLeftAlone(logger, context.BackgroundJob.Id, buildId, target, records.Find(buildId)?.Targets.FirstOrDefault(t => t.Name == target)?.State.ToString() ?? "unknown");
            return;
        }

        try
        {
            // The embedded agent's pip (or the server, for a remote agent) appends the new attempt below this line.
            Directory.CreateDirectory(Path.GetDirectoryName(requeued.LogPath)!);
            File.AppendAllLines(requeued.LogPath, [requeued.Note]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BuildsLog.RequeueNoteNotWritten(logger, requeued.LogPath, ex.Message);
        }

        BuildsLog.Requeued(logger, buildId, target, context.BackgroundJob.Id);
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
