using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Pages;

/// <summary>The release × live target matrix of a project page. A wheel that serves the target (the rule remote agents'
/// wheels are held to, <see cref="WheelScope.Fits"/>) wins; otherwise the newest build of that release with that
/// target says what is happening (<see cref="TargetCell"/>); otherwise the release's Requires-Python or a missing sdist
/// says why nothing can be built, or the cell is "none".</summary>
internal static class ProjectMatrix
{
    /// <summary>A served file of a release, local or from the upstream, with its link.</summary>
    public sealed record ServedFile(DistributionFilename Distribution, string Href, bool Upstream, string? RequiresPython, bool Yanked);

    /// <summary>A build that asked for this project and the release its requirement picks.</summary>
    public sealed record ReleaseBuild(BuildSnapshot Build, string Version);

    public static MatrixCell Cell(string version, IReadOnlyList<ServedFile> files, WheelTag? target, string targetName, IReadOnlyList<ReleaseBuild> builds)
    {
        if (target is not null)
        {
            foreach (var file in files)
            {
                if (!file.Yanked && file.Distribution is WheelFilename wheel && wheel.Tags.Any(t => WheelScope.Fits(t, target)))
                {
                    return new MatrixCell("served", file.Upstream ? "wheel (upstream)" : "wheel", file.Href, wheel.FileName);
                }
            }
        }

        foreach (var build in builds)
        {
            if (build.Version == version && build.Build.Targets.FirstOrDefault(t => t.Name == targetName) is { } state)
            {
                return TargetCell(build.Build, state);
            }
        }

        var sdist = files.FirstOrDefault(static f => f.Distribution.Kind == DistributionKind.Sdist && !f.Yanked);
        if (sdist is null)
        {
            return new MatrixCell("none", "none", null, "no wheel for this target and no sdist to build one from");
        }

        // The same rule as the scheduler's applicability (TargetPython), so a cell and a build request agree.
        if (target is not null && TargetPython.Of(targetName, null) is { } python && sdist.RequiresPython is { Length: > 0 } requires
            && VersionSpecifiers.TryParse(requires, out var specifiers) && !python.Admits(specifiers))
        {
            return new MatrixCell("not-applicable", "not applicable", null, $"Requires-Python {requires} excludes {python.Describe()}");
        }

        return new MatrixCell("none", "none", null, "no wheel for this target yet; a build request makes one");
    }

    /// <summary>The cell for a target of a build. The one place that maps a target's state and reason to what a person
    /// reads; a state this code does not name (added later) shows by its name, with the target's error as its reason.</summary>
    public static MatrixCell TargetCell(BuildSnapshot build, TargetSnapshot target)
    {
        var href = "/builds/" + Uri.EscapeDataString(build.Id);
        return target.State switch
        {
            TargetState.Running => new MatrixCell("building", "building", href, null),
            TargetState.Queued => new MatrixCell("queued", "queued", href, null),
            TargetState.Failed => new MatrixCell("failed", "failed", href, TargetReason(target)),
            TargetState.NotApplicable => new MatrixCell("not-applicable", "not applicable", href, TargetReason(target)),
            TargetState.Succeeded => new MatrixCell("none", "built, no wheel fits", href, "the build succeeded but made no wheel that serves this target"),
            _ => new MatrixCell(Names.Of(target.State), Names.Of(target.State).Replace('-', ' '), href, TargetReason(target)),
        };
    }

    /// <summary>The one-line reason a target ended as it did (its reason, else the first line of its error), or null.</summary>
    public static string? TargetReason(TargetSnapshot target) =>
        !string.IsNullOrWhiteSpace(target.Reason) ? target.Reason
        : string.IsNullOrWhiteSpace(target.Error) ? null : target.Error.Split('\n', 2)[0].Trim();
}
