using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Pip;

/// <summary>
/// The one line a person reads first when pip failed, and its kind: the cause pip's output shows (see
/// <see cref="PipDiagnosis"/>), most specific first: a limit or the timeout the agent enforced, a build back-end pip could
/// not install, a missing C header, a missing compiler, a network failure that outlasted the retries, a requirement the
/// index has nothing for, a distribution whose build failed; otherwise pip's exit code (the log says the rest).
/// </summary>
internal static class PipReason
{
    // A "from versions" list of a project with hundreds of releases: only the newest few are named.
    private const int NamedVersions = 8;

    /// <summary>Why the failed run <paramref name="result"/> failed.</summary>
    /// <param name="python">The target's Python version, e.g. "2.7.18".</param>
    /// <param name="buildRoot">The root filesystem the target builds in, or null for the build host.</param>
    public static (FailureKind Kind, string Reason) Of(PipWheelResult result, string python, string? buildRoot, TimeSpan buildTimeout)
    {
        ArgumentNullException.ThrowIfNull(result);
        var found = result.Findings;
        var place = buildRoot is null ? "on the build host" : $"in the build root {buildRoot}";
        var building = found.FailedDistribution ?? found.BackendFor;
        var forWhat = building is null ? string.Empty : $" (building {building})";
        if (result.LimitExceeded is { } limit)
        {
            return (FailureKind.Other, limit);
        }

        if (result.TimedOut)
        {
            return (FailureKind.Timeout, $"pip wheel did not finish within {buildTimeout} (Agent:BuildTimeout) and was stopped{forWhat}");
        }

        if (found.BackendRequirement is { } backend)
        {
            var what = backend.Length == 0 ? "the build back-end" : $"the build back-end {backend}";
            var of = found.BackendFor is null ? string.Empty : $" to build {found.BackendFor}";
            return (FailureKind.BuildBackendUnavailable, $"could not install {what} for Python {python}{of}; the index serves no version of it this Python can install");
        }

        if (found.MissingHeader is { } header)
        {
            return (FailureKind.MissingHeader, $"missing C header {header} {place}{forWhat}; install the package that provides it (e.g. its -dev package)");
        }

        if (found.MissingCompiler is { } compiler)
        {
            return (FailureKind.CompilerMissing, $"the compiler {compiler} is missing {place}{forWhat}; install it (e.g. build-essential)");
        }

        if (result.Transient)
        {
            return (FailureKind.Network, $"an index could not be reached or failed: {result.NetworkFailure}");
        }

        if (found.NoMatch is { } requirement)
        {
            return (FailureKind.NoMatchingDistribution, NoMatch(found, requirement, python));
        }

        if (found.FailedDistribution is { } failed)
        {
            var dependency = found.FailedNeededBy is { } by && !string.Equals(by, failed, StringComparison.OrdinalIgnoreCase) ? $", a dependency of {by}," : string.Empty;
            var wheelStep = found.FailedStep is null or "Building wheel" or "Failed building wheel" || found.FailedStep.Contains("bdist_wheel", StringComparison.Ordinal);
            var what = wheelStep ? $"building a wheel for {failed}{dependency} failed" : $"preparing {failed}{dependency} for its build failed ({found.FailedStep})";
            var exit = found.FailedExitCode is null ? string.Empty : $" with exit code {found.FailedExitCode}";
            var exception = found.FailedException is null ? string.Empty : $": {found.FailedException}";
            return (FailureKind.BuildFailed, $"{what}{exit}{exception}");
        }

        if (result.FailedProjects.Count > 0)
        {
            return (FailureKind.BuildFailed, $"building {string.Join(", ", result.FailedProjects)} failed (pip wheel exited with code {result.ExitCode})");
        }

        return (FailureKind.Other, $"pip wheel exited with code {result.ExitCode}; its log says why");
    }

    private static string NoMatch(PipFindings found, string requirement, string python)
    {
        var name = PipDiagnosis.NameOf(requirement);
        var neededBy = found.NoMatchNeededBy is { } by ? $" (needed by {by})" : string.Empty;
        if (found.IgnoredForPython is { } ignored)
        {
            return $"no release of {name} matches {requirement}{neededBy} for Python {python}: pip ignored {ignored}";
        }

        if (string.IsNullOrEmpty(found.NoMatchVersions))
        {
            return $"no release of {name} matches {requirement}{neededBy}: pip saw no version it could use for Python {python} (the index may not have {name}, or its Requires-Python excludes this Python)";
        }

        var versions = found.NoMatchVersions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shown = versions.Length <= NamedVersions ? string.Join(", ", versions) : $"…, {string.Join(", ", versions[^NamedVersions..])} ({versions.Length} in all)";
        return $"no release of {name} matches {requirement}{neededBy} (pip saw versions {shown})";
    }
}
