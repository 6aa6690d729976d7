using System.Collections.Frozen;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>A PEP 792 status an admin set on a local project, with who set it and when.</summary>
/// <param name="Project">The PEP 503 normalized name.</param>
public sealed record LocalProjectStatus(string Project, string Status, string? Reason, string SetBy, DateTimeOffset SetAt)
{
    [JsonIgnore]
    public ProjectStatus Marker { get; } = new(Status, Reason);

    [JsonIgnore]
    public bool IsQuarantined => Marker.IsQuarantined;

    /// <summary>What a client is told when a file of this project is refused.</summary>
    [JsonIgnore]
    public string Refusal => $"the project '{Project}' is quarantined here (PEP 792 project status{(Reason is null ? string.Empty : ": " + Reason)}, "
        + $"set by {SetBy}), so none of its files is served or accepted; an admin can lift it with SetProjectStatus active";
}

/// <summary>The PEP 792 statuses set on local projects (PolicyService.SetProjectStatus), in
/// <c>&lt;state&gt;/project-status.json</c>. Kept by name, so a status outlives the project's files (a quarantined name
/// stays quarantined when its files are deleted and uploaded again). Shown on the project's pages in both formats, in
/// place of the upstream's status; a quarantined project offers, serves and accepts no files.</summary>
public sealed class LocalProjectStatuses
{
    private readonly string path;
    private readonly TimeProvider time;
    private readonly ILogger<LocalProjectStatuses> logger;
    private readonly Lock gate = new();
    private readonly string? unreadable;
    private FrozenDictionary<string, LocalProjectStatus> statuses;

    public LocalProjectStatuses(IOptions<CatalogOptions> options, TimeProvider time, ILogger<LocalProjectStatuses> logger)
    {
        path = StateFolder.PathOf(options.Value, StateFolder.ProjectStatuses);
        this.time = time;
        this.logger = logger;
        var read = StateFile.Read(path, ProjectStatusJsonContext.Default.ListLocalProjectStatus, [], out unreadable);
        statuses = read.Where(static s => s is not null && !string.IsNullOrEmpty(s.Project) && ProjectStatus.Known.Contains(s.Status ?? string.Empty))
            .DistinctBy(static s => s.Project, StringComparer.Ordinal)
            .ToFrozenDictionary(static s => s.Project, StringComparer.Ordinal);
        if (unreadable is not null)
        {
            SimpleIndexLog.StatusesUnreadable(logger, path, unreadable);
        }
    }

    /// <summary>The status set on <paramref name="key"/> (a normalized name), or null (active, or the upstream's).</summary>
    public LocalProjectStatus? Of(string key) => Volatile.Read(ref statuses).GetValueOrDefault(key);

    /// <summary>Sets <paramref name="status"/> (one of <see cref="ProjectStatus.Known"/>) on <paramref name="key"/>;
    /// <c>active</c> clears it. Returns what is in force now. Throws <see cref="StateNotSavedException"/>.</summary>
    public LocalProjectStatus Set(string key, string status, string? reason, string setBy)
    {
        var set = new LocalProjectStatus(key, status, status == ProjectStatus.Active ? null : reason, setBy, time.GetUtcNow());
        lock (gate)
        {
            if (unreadable is not null)
            {
                throw new StateNotSavedException(Path.GetDirectoryName(path)!, new IOException(
                    $"{path} could not be read ({unreadable}); repair or remove it and restart, so that no status is lost by overwriting it"));
            }

            var next = statuses.Values.Where(s => s.Project != key).ToList();
            if (status != ProjectStatus.Active)
            {
                next.Add(set);
            }

            StateFile.Write(path, [.. next.OrderBy(static s => s.Project, StringComparer.Ordinal)], ProjectStatusJsonContext.Default.ListLocalProjectStatus);
            Volatile.Write(ref statuses, next.ToFrozenDictionary(static s => s.Project, StringComparer.Ordinal));
        }

        SimpleIndexLog.StatusSet(logger, setBy, key, status, reason ?? "no reason given");
        return set;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<LocalProjectStatus>))]
internal sealed partial class ProjectStatusJsonContext : JsonSerializerContext;
