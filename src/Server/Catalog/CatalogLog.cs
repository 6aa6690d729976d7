namespace PypiForge.Server.Catalog;

/// <summary>The catalog of the package folder: event ids 400-499 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class CatalogLog
{
    [LoggerMessage(401, LogLevel.Information, "Catalog loaded from {Root}: {Files} files in {Projects} projects ({Inspected} inspected, {Reused} reused from the state file) in {ElapsedMs} ms")]
    public static partial void Loaded(ILogger logger, string root, int files, int projects, int inspected, int reused, long elapsedMs);

    [LoggerMessage(402, LogLevel.Warning, "Left {Path} out of the index: {Reason}. Replace or remove the file; it is read again when it changes")]
    public static partial void Rejected(ILogger logger, string path, string reason);

    [LoggerMessage(403, LogLevel.Information, "Catalog updated: {Added} added or changed, {Removed} removed ({Projects} projects, {Files} files)")]
    public static partial void Updated(ILogger logger, int added, int removed, int projects, int files);

    [LoggerMessage(404, LogLevel.Warning, "The state file in {StateDirectory} could not be read ({Problem}); every file will be hashed again")]
    public static partial void StateUnreadable(ILogger logger, string stateDirectory, string problem);

    [LoggerMessage(405, LogLevel.Warning, "The file-system watcher on {Root} reported a problem ({Problem}); running a full reconcile. New files still appear within Catalog:ReconcileInterval")]
    public static partial void WatcherProblem(ILogger logger, string root, string problem);

    [LoggerMessage(406, LogLevel.Warning, "Could not read {Path} ({Problem}); it will be tried again")]
    public static partial void ReadFailed(ILogger logger, string path, string problem);

    [LoggerMessage(407, LogLevel.Warning, "Could not save the catalog state to {StateDirectory} ({Problem}); hashes will be recomputed after a restart")]
    public static partial void SaveFailed(ILogger logger, string stateDirectory, string problem);

    [LoggerMessage(408, LogLevel.Warning, "The state file in {StateDirectory} has {Count} entries without a path; they were skipped and their files are read again")]
    public static partial void StateEntriesSkipped(ILogger logger, string stateDirectory, int count);

    [LoggerMessage(409, LogLevel.Error, "A change to the catalog state in {StateDirectory} was refused because it could not be saved: {Problem}")]
    public static partial void ChangeNotSaved(ILogger logger, string stateDirectory, string problem);

    [LoggerMessage(410, LogLevel.Warning, "The state file in {StateDirectory} has {Count} entries that do not match their checksum (edited or damaged: {Paths}); those files are hashed and read again")]
    public static partial void StateEntriesUntrusted(ILogger logger, string stateDirectory, int count, string paths);

    [LoggerMessage(411, LogLevel.Warning, "The METADATA of {Path} in {StateDirectory}/metadata.pack did not match its sha256 (the pack was damaged); it was read again from the wheel and rewritten")]
    public static partial void MetadataRepaired(ILogger logger, string path, string stateDirectory);
}
