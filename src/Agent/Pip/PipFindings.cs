namespace PypiForge.Agent.Pip;

/// <summary>What pip's output said went wrong (see <see cref="PipDiagnosis"/> for each field); all null when it said nothing
/// this knows.</summary>
public sealed record PipFindings(
    string? NoMatch = null,
    string? NoMatchVersions = null,
    string? IgnoredForPython = null,
    string? NoMatchNeededBy = null,
    string? BackendRequirement = null,
    string? BackendFor = null,
    string? MissingHeader = null,
    string? MissingCompiler = null,
    string? FailedDistribution = null,
    string? FailedStep = null,
    string? FailedExitCode = null,
    string? FailedNeededBy = null,
    string? FailedException = null)
{
    public static PipFindings None { get; } = new();
}
