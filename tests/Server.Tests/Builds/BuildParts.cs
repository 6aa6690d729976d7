using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Tests.Builds;

/// <summary>The build owner and scheduler wired to fakes: a recording store and job client, a fake clock, fixed live
/// targets and a temp state folder (deleted on dispose).</summary>
internal sealed class BuildParts : IDisposable
{
    public const string Cp311 = "cp311-cp311-linux_x86_64";
    public const string Cp312 = "cp312-cp312-linux_x86_64";

    public BuildParts(params string[] liveTargets)
    {
        Root = TempDirectory.Create("build-parts");
        Records = new BuildRecords(Store, Time, NullLogger<BuildRecords>.Instance);
        Scheduler = new BuildScheduler(
            Jobs, new FixedLiveTargets(liveTargets.Length == 0 ? [Cp311, Cp312] : liveTargets), Records,
            Options.Create(new CatalogOptions { Root = Root }), NullLogger<BuildScheduler>.Instance);
    }

    public string Root { get; }

    public string StatePath => Path.Combine(Root, ".pypiforge");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingBuildStore Store { get; } = new();

    public RecordingJobClient Jobs { get; } = new();

    public BuildRecords Records { get; }

    public BuildScheduler Scheduler { get; }

    /// <summary>A new build through the scheduler, which must accept it.</summary>
    public BuildSnapshot Schedule(params string[] targets) => Schedule(new BuildRequest(["pf-cext==1.0"], targets));

    public BuildSnapshot Schedule(BuildRequest request) =>
        Assert.IsType<ScheduleResult.Accepted>(Scheduler.Schedule(request)).Build;

    public void Dispose() => TempDirectory.Delete(Root);
}
