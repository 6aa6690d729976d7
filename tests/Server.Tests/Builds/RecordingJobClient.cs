using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A Hangfire job client that keeps what it is asked to do: the jobs created (with their queue) and deleted.
/// <see cref="FailAfter"/> makes the next creations fail once that many succeeded, as an unreachable storage would.</summary>
public sealed class RecordingJobClient : IBackgroundJobClient
{
    private readonly Lock sync = new();
    private readonly List<(string Id, Job Job, IState State)> created = [];
    private readonly List<string> deleted = [];

    public int? FailAfter { get; set; }

    public IReadOnlyList<(string Id, Job Job, IState State)> Created
    {
        get
        {
            lock (sync)
            {
                return [.. created];
            }
        }
    }

    public IReadOnlyList<string> Deleted
    {
        get
        {
            lock (sync)
            {
                return [.. deleted];
            }
        }
    }

    public string Create(Job job, IState state)
    {
        lock (sync)
        {
            if (FailAfter is { } limit && created.Count >= limit)
            {
                throw new BackgroundJobClientException("The job storage is not reachable.", new TimeoutException());
            }

            var id = (created.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            created.Add((id, job, state));
            return id;
        }
    }

    public bool ChangeState(string jobId, IState state, string? expectedState)
    {
        lock (sync)
        {
            if (state is DeletedState)
            {
                deleted.Add(jobId);
            }

            return true;
        }
    }
}
