namespace PypiForge.Server.SimpleIndex;

/// <summary>A PEP 792 project status marker (<c>active</c>, <c>archived</c>, <c>quarantined</c>, <c>deprecated</c>) and
/// its optional free-form reason, as an index states it.</summary>
public sealed record ProjectStatus(string Status, string? Reason)
{
    public const string Active = "active";
    public const string Quarantined = "quarantined";

    /// <summary>The markers PEP 792 defines; an upstream's other values are passed on as they are.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { Active, "archived", Quarantined, "deprecated" };

    /// <summary>A quarantined project's files must not be offered for download (PEP 792).</summary>
    public bool IsQuarantined => Status == Quarantined;
}
