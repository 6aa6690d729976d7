using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Upstream;

/// <summary>A break-glass granted through the API: <paramref name="Project"/> (normalized), or one exact release of it,
/// let through <c>Upstream:MinReleaseAge</c> until <paramref name="Expires"/> (null: until revoked).</summary>
public sealed record FreshAllowance(string Id, string Project, string? Version, string Reason, string AllowedBy, DateTimeOffset Created, DateTimeOffset? Expires)
{
    /// <summary>How it reads in logs: <c>project</c> or <c>project==version</c>.</summary>
    [JsonIgnore]
    public string What => Version is null ? Project : $"{Project}=={Version}";

    public bool IsActiveAt(DateTimeOffset now) => Expires is not { } end || now < end;
}

/// <summary>The fresh allowances granted through the API (PolicyService), in <c>&lt;state&gt;/allow-fresh.json</c>, so
/// they survive a restart. The <see cref="ReleaseCooldown"/> merges them with the <c>Upstream:AllowFresh</c> entries;
/// <see cref="Generation"/> changes with every grant and revoke, so views made before are made again.</summary>
public sealed class FreshAllowances
{
    private readonly string path;
    private readonly TimeProvider time;
    private readonly ILogger<FreshAllowances> logger;
    private readonly Lock gate = new();
    private readonly string? unreadable;
    private List<FreshAllowance> allowances;
    private long generation;

    public FreshAllowances(IOptions<CatalogOptions> options, TimeProvider time, ILogger<FreshAllowances> logger)
    {
        path = StateFolder.PathOf(options.Value, StateFolder.FreshAllowances);
        this.time = time;
        this.logger = logger;
        allowances = StateFile.Read(path, FreshAllowanceJsonContext.Default.ListFreshAllowance, [], out unreadable);
        // An entry edited by hand into something that is not an allowance lets nothing through.
        allowances.RemoveAll(static a => a is null || string.IsNullOrEmpty(a.Id) || string.IsNullOrEmpty(a.Reason) || string.IsNullOrEmpty(a.AllowedBy)
            || a.Project is null || !ProjectName.IsValid(a.Project) || (a.Version is not null && !PackageVersion.TryParse(a.Version, out _)));
        if (unreadable is not null)
        {
            // Failing closed: nothing is let through by a file that cannot be read, and it is not overwritten.
            UpstreamLog.AllowancesUnreadable(logger, path, unreadable);
        }
    }

    /// <summary>Changes with every grant and revoke.</summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>Every stored allowance, expired ones included (they say when they ended), oldest first.</summary>
    public IReadOnlyList<FreshAllowance> List()
    {
        lock (gate)
        {
            return allowances;
        }
    }

    /// <summary>The allowances in force at <paramref name="now"/>.</summary>
    public IEnumerable<FreshAllowance> ActiveAt(DateTimeOffset now) => List().Where(a => a.IsActiveAt(now));

    /// <summary>Grants and stores an allowance; the arguments are checked by the caller. Throws <see cref="StateNotSavedException"/>.</summary>
    public FreshAllowance Grant(string project, PackageVersion? version, string reason, string allowedBy, TimeSpan? expiresAfter)
    {
        var now = time.GetUtcNow();
        var allowance = new FreshAllowance(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), ProjectName.Normalize(project),
            version?.ToString(), reason, allowedBy, now, now + expiresAfter);
        Update(list => [.. list.Where(a => a.IsActiveAt(now) || now - a.Expires < TimeSpan.FromDays(30)), allowance]);
        UpstreamLog.AllowanceGranted(logger, allowedBy, allowance.What, allowance.Expires is { } end ? $"until {end:u}" : "until revoked", reason, allowance.Id);
        return allowance;
    }

    /// <summary>Revokes an allowance by id; null when there is none. Throws <see cref="StateNotSavedException"/>.</summary>
    public FreshAllowance? Revoke(string id, string revokedBy)
    {
        FreshAllowance? found = null;
        Update(list =>
        {
            found = list.Find(a => a.Id == id);
            return found is null ? list : [.. list.Where(a => a.Id != id)];
        });
        if (found is not null)
        {
            UpstreamLog.AllowanceRevoked(logger, revokedBy, found.Id, found.What, found.AllowedBy, found.Reason);
        }

        return found;
    }

    private void Update(Func<List<FreshAllowance>, List<FreshAllowance>> change)
    {
        lock (gate)
        {
            if (unreadable is not null)
            {
                throw new StateNotSavedException(Path.GetDirectoryName(path)!, new IOException(
                    $"{path} could not be read ({unreadable}); repair or remove it and restart, so that no allowance is lost by overwriting it"));
            }

            var updated = change(allowances);
            if (ReferenceEquals(updated, allowances))
            {
                return;
            }

            StateFile.Write(path, updated, FreshAllowanceJsonContext.Default.ListFreshAllowance);
            allowances = updated;
            Interlocked.Increment(ref generation);
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<FreshAllowance>))]
internal sealed partial class FreshAllowanceJsonContext : JsonSerializerContext;
