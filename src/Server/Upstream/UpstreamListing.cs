using System.Collections.Frozen;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>The files of an upstream page, and the merged pages rendered from them (per local entry). Files at hosts
/// this server does not fetch from (see <see cref="UpstreamFileHosts"/>) are kept apart in <see cref="Refused"/>:
/// never offered, and a request for one is told why.</summary>
public sealed class UpstreamListing(
    IReadOnlyList<UpstreamFile> files,
    IReadOnlyDictionary<string, (UpstreamFile File, string Reason)>? refused = null,
    ProjectStatus? status = null)
{
    public static UpstreamListing Empty { get; } = new([]);

    private MergedPages? merged;
    private UpstreamView? view;

    /// <summary>The project's PEP 792 status marker on the upstream, or null (active).</summary>
    public ProjectStatus? Status { get; } = status;

    /// <summary>The files that may be fetched and offered.</summary>
    public IReadOnlyList<UpstreamFile> Files { get; } = files;

    public FrozenDictionary<string, UpstreamFile> ByName { get; } =
        files.DistinctBy(static f => f.FileName, StringComparer.Ordinal).ToFrozenDictionary(static f => f.FileName, StringComparer.Ordinal);

    /// <summary>Files the page lists at a host that is not allowed, by name, with the reason.</summary>
    public FrozenDictionary<string, (UpstreamFile File, string Reason)> Refused { get; } =
        (refused ?? FrozenDictionary<string, (UpstreamFile, string)>.Empty).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Everything the page listed (what is persisted, so a change of <c>Upstream:FileHosts</c> applies to it).</summary>
    public IEnumerable<UpstreamFile> All => Files.Concat(Refused.Values.Select(static r => r.File));

    /// <summary>What of this listing may be offered at <paramref name="now"/>, made by <paramref name="make"/> once and
    /// kept until a held file's time comes (<see cref="UpstreamView.Until"/>) or the allowances change (<paramref name="generation"/>).</summary>
    public UpstreamView ViewAt(DateTimeOffset now, long generation, Func<UpstreamListing, UpstreamView> make)
    {
        var current = Volatile.Read(ref view);
        if (current is not null && now < current.Until && current.Generation == generation)
        {
            return current;
        }

        var made = make(this);
        Volatile.Write(ref view, made);
        return made;
    }

    /// <summary>The merged pages for <paramref name="shown"/>, <paramref name="local"/> and the local <paramref name="status"/>,
    /// rendered once per combination.</summary>
    public IndexPages PagesFor(ProjectEntry? local, LocalProjectStatus? status, UpstreamView shown, Func<IndexPages> render)
    {
        var current = Volatile.Read(ref merged);
        if (current is not null && ReferenceEquals(current.Local, local) && ReferenceEquals(current.Status, status) && ReferenceEquals(current.View, shown))
        {
            return current.Pages;
        }

        var made = new MergedPages(local, status, shown, render());
        Volatile.Write(ref merged, made);
        return made.Pages;
    }

    private sealed record MergedPages(ProjectEntry? Local, LocalProjectStatus? Status, UpstreamView View, IndexPages Pages);
}
