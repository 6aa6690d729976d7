namespace PypiForge.Server.Builds;

/// <summary>A finished target queued again (<see cref="BuildRecords.Requeue"/>): its log file, and the line that tells
/// the new attempt from the last one there.</summary>
internal sealed record RequeuedTarget(string LogPath, string Note);
