namespace PypiForge.Server.Upstream;

/// <summary>The upstream fallback: event ids 600-699 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(601, LogLevel.Warning, "Upstream {Index} could not give the page of {Project} ({Problem}); serving the copy fetched at {FetchedAt:u}. It is asked again on a later request")]
    public static partial void ServingStale(ILogger logger, string index, string project, string problem, DateTimeOffset fetchedAt);

    [LoggerMessage(602, LogLevel.Warning, "No upstream could give the page of {Project} ({Problem}); answering with the local files only, if any")]
    public static partial void Unavailable(ILogger logger, string project, string problem);

    [LoggerMessage(603, LogLevel.Warning, "Download of {File} from {Url} failed ({Problem}); nothing was cached, the next request tries again")]
    public static partial void DownloadFailed(ILogger logger, string file, string url, string problem);

    [LoggerMessage(604, LogLevel.Information, "Cached {File} from {Url} ({Bytes} bytes, sha256 verified)")]
    public static partial void Cached(ILogger logger, string file, string url, long bytes);

    [LoggerMessage(605, LogLevel.Warning, "Could not write the upstream page cache {Path} ({Problem}); it is kept in memory only")]
    public static partial void SaveFailed(ILogger logger, string path, string problem);

    [LoggerMessage(607, LogLevel.Information, "{Project} {Version} has an sdist but no wheel for {Target} upstream; build {BuildId} requested")]
    public static partial void BuildRequested(ILogger logger, string project, string version, string target, string buildId);

    [LoggerMessage(608, LogLevel.Warning, "Could not request a build of {Project} {Version} for {Target} ({Problem}); installs get the sdist")]
    public static partial void BuildNotRequested(ILogger logger, string project, string version, string target, string problem);

    [LoggerMessage(609, LogLevel.Warning, "Upstream {Index} lists {Count} file(s) of {Project} that this server does not fetch ({Reason}); they are left out of its page. Add the host to Upstream:FileHosts if it is trusted")]
    public static partial void FilesRefused(ILogger logger, string index, string project, int count, string reason);

    [LoggerMessage(610, LogLevel.Warning, "{Source} '{Entry}' let {Project} {Version} through the cooldown for {Use} ({Hold}); allowed by {AllowedBy}, because: {Why}. {Advice}")]
    public static partial void LetThrough(ILogger logger, string source, string entry, string project, string version, string use, string hold, string allowedBy, string why, string advice);

    [LoggerMessage(611, LogLevel.Information, "{Count} upstream file(s) of {Project} are held back by the cooldown and left out of its page; for example {Hold}")]
    public static partial void Held(ILogger logger, string project, int count, string hold);

    [LoggerMessage(612, LogLevel.Warning, "The upstream marks {Project} quarantined ({Reason}); none of its {Count} upstream file(s) is offered or served")]
    public static partial void Quarantined(ILogger logger, string project, string reason, int count);

    [LoggerMessage(613, LogLevel.Warning, "{AllowedBy} let {What} through the upstream cooldown ({Expiry}), because: {Why}; fresh allowance {Id}")]
    public static partial void AllowanceGranted(ILogger logger, string allowedBy, string what, string expiry, string why, string id);

    [LoggerMessage(614, LogLevel.Warning, "{RevokedBy} revoked fresh allowance {Id} for {What} (granted by {AllowedBy}, because: {Why}); the cooldown holds its fresh releases again")]
    public static partial void AllowanceRevoked(ILogger logger, string revokedBy, string id, string what, string allowedBy, string why);

    [LoggerMessage(615, LogLevel.Error, "The fresh allowances in {Path} could not be read ({Problem}); none of them lets anything through, and new ones cannot be granted until the file is repaired or removed")]
    public static partial void AllowancesUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(606, LogLevel.Information, "Upstream fallback: {Mode} to {Indexes}; cache in {CacheDirectory}")]
    public static partial void Configured(ILogger logger, string mode, string indexes, string cacheDirectory);
}
