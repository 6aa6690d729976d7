using System.Globalization;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Upstream;

/// <summary>The supply-chain guard on proxied files. An upstream file younger than <c>Upstream:MinReleaseAge</c> (by its
/// PEP 700 <c>upload-time</c>) is held back: left out of merged pages and refused by downloads, with the time it becomes
/// available. A file without an upload-time follows <c>Upstream:MissingUploadTime</c>. <c>Upstream:AllowFresh</c> and the
/// allowances granted through the API (<see cref="FreshAllowances"/>) let a project or one release through now, and every
/// such use is logged with who allowed it and why. A view is made again when an allowance is granted or revoked, and when
/// one that let a file through expires. A project the upstream marks quarantined
/// (PEP 792) has none of its upstream files offered, whatever the entries say. Files here (uploaded or built) are never
/// looked at: this rule applies to upstream files only.</summary>
public sealed class ReleaseCooldown
{
    private readonly TimeSpan minAge;
    private readonly bool holdMissing;
    private readonly AllowFreshEntry[] configured;
    private readonly FreshAllowances granted;
    private readonly TimeProvider time;
    private readonly ILogger<ReleaseCooldown> logger;

    public ReleaseCooldown(IOptions<UpstreamOptions> options, FreshAllowances granted, TimeProvider time, ILogger<ReleaseCooldown> logger)
    {
        this.granted = granted;
        minAge = options.Value.MinReleaseAge;
        holdMissing = options.Value.HoldMissingUploadTime;
        configured = [.. options.Value.AllowFreshList.Select(static text => AllowFreshEntry.TryParse(text, out var entry) is null ? entry : null).OfType<AllowFreshEntry>()];
        this.time = time;
        this.logger = logger;
    }

    /// <summary>What of <paramref name="listing"/> is offered now (computed once per listing until a held file's time comes).</summary>
    public UpstreamView ViewOf(string key, UpstreamListing listing)
    {
        var now = time.GetUtcNow();
        var generation = granted.Generation;
        return listing.ViewAt(now, generation, l => Make(key, l, now, generation));
    }

    /// <summary>The configured entries and the API's allowances in force now.</summary>
    public IEnumerable<AllowFreshEntry> EntriesAt(DateTimeOffset now) => configured.Concat(granted.ActiveAt(now).Select(AllowFreshEntry.From));

    /// <summary>Logs one download of a file the cooldown would hold, let through by <paramref name="entry"/>.</summary>
    public void DownloadLetThrough(string key, UpstreamFile file, AllowFreshEntry entry) =>
        LogUse(entry, key, file.Version, "a download of " + file.FileName, Hold(key, file, time.GetUtcNow())?.Reason ?? "no longer held");

    private void LogUse(AllowFreshEntry entry, string key, string version, string use, string hold)
    {
        if (entry.Id is null)
        {
            UpstreamLog.LetThrough(logger, "Upstream:AllowFresh entry", entry.Text, key, version, use, hold, entry.AllowedBy, "(configuration entries carry no reason)",
                "Remove the entry when it is no longer needed");
        }
        else
        {
            UpstreamLog.LetThrough(logger, "Fresh allowance " + entry.Id, entry.Text, key, version, use, hold, entry.AllowedBy, entry.Reason ?? string.Empty,
                entry.Expires is { } end ? $"It expires at {Utc(end)}" : $"Revoke it (RevokeAllowFresh {entry.Id}) when it is no longer needed");
        }
    }

    private UpstreamView Make(string key, UpstreamListing listing, DateTimeOffset now, long generation)
    {
        var empty = new Dictionary<string, string>(StringComparer.Ordinal);
        var none = new Dictionary<string, AllowFreshEntry>(StringComparer.Ordinal);
        if (listing.Status is { IsQuarantined: true } status)
        {
            var reason = $"the upstream marks '{key}' quarantined (PEP 792 project status{(status.Reason is null ? string.Empty : ": " + status.Reason)}), so none of its files is served";
            if (listing.Files.Count > 0)
            {
                UpstreamLog.Quarantined(logger, key, status.Reason ?? "no reason given", listing.Files.Count);
            }

            return new UpstreamView([], listing.Files.DistinctBy(static f => f.FileName).ToDictionary(static f => f.FileName, _ => reason, StringComparer.Ordinal), none,
                DateTimeOffset.MaxValue, generation);
        }

        if (minAge <= TimeSpan.Zero)
        {
            return new UpstreamView(listing.Files, empty, none, DateTimeOffset.MaxValue, generation);
        }

        var entries = EntriesAt(now).Where(e => e.Project == key).ToList();

        var offered = new List<UpstreamFile>(listing.Files.Count);
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        var letThrough = new Dictionary<string, AllowFreshEntry>(StringComparer.Ordinal);
        var logged = new HashSet<string>(StringComparer.Ordinal);
        var until = DateTimeOffset.MaxValue;
        foreach (var file in listing.Files)
        {
            var hold = Hold(key, file, now);
            if (hold is null)
            {
                offered.Add(file);
            }
            else if (entries.Find(e => e.Covers(key, file.Version)) is { } entry)
            {
                offered.Add(file);
                letThrough.TryAdd(file.FileName, entry);
                if (logged.Add(file.Version))
                {
                    LogUse(entry, key, file.Version, "its project page", hold.Value.Reason);
                }

                // An expired allowance lets nothing through: the view ends with it.
                if (entry.Expires is { } end && end < until)
                {
                    until = end;
                }
            }
            else
            {
                held.TryAdd(file.FileName, hold.Value.Reason);
            }

            // A let-through file is re-checked too: the view changes when its time comes (nothing more to log then).
            if (hold?.Available is { } available && available < until)
            {
                until = available;
            }
        }

        if (held.Count > 0)
        {
            UpstreamLog.Held(logger, key, held.Count, held.Values.First());
        }

        return new UpstreamView(offered, held, letThrough, until, generation);
    }

    private (string Reason, DateTimeOffset? Available)? Hold(string key, UpstreamFile file, DateTimeOffset now)
    {
        if (file.UploadTime is not { } uploaded)
        {
            return holdMissing
                ? ($"'{file.FileName}' has no upload-time on the upstream's page and Upstream:MissingUploadTime is hold; add '{key}=={file.Version}' to Upstream:AllowFresh (or grant it with AllowFresh, 'pypiforge allow-fresh') to let it through", null)
                : null;
        }

        var available = uploaded + minAge;
        return minAge > TimeSpan.Zero && now < available
            ? ($"'{file.FileName}' was uploaded to the upstream at {Utc(uploaded)} and is held back by Upstream:MinReleaseAge ({minAge}) until {Utc(available)}; "
                + $"add '{key}=={file.Version}' to Upstream:AllowFresh (or grant it with AllowFresh, 'pypiforge allow-fresh') to let it through now", available)
            : null;
    }

    private static string Utc(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
