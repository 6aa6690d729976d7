using Hangfire.Common;

namespace PypiForge.Server.Builds;

/// <summary>Hangfire's filters (the job's attributes and the global ones) plus <see cref="BuildJobRequeue"/>, for this
/// server's job client and dashboard. Kept in the container rather than in Hangfire's process-wide GlobalJobFilters,
/// which every host in the process would share (tests run several servers in one).</summary>
internal sealed class BuildJobFilterProvider(BuildJobRequeue requeue) : IJobFilterProvider
{
    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job).Append(new JobFilter(requeue, JobFilterScope.Global, order: null));
}
