namespace PypiForge.Server.Builds;

/// <summary>One file the index offers pip for a project, as far as a build's applicability needs it: its version, its
/// Requires-Python (null: none, which admits every Python) and whether it is yanked.</summary>
public sealed record ReleaseFile(string Version, string? RequiresPython, bool Yanked);
