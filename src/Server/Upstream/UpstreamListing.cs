using System.Collections.Frozen;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>The files of an upstream page, and the merged pages rendered from them (per local entry).</summary>
public sealed class UpstreamListing(IReadOnlyList<UpstreamFile> files)
{
    public static UpstreamListing Empty { get; } = new([]);

    private MergedPages? merged;

    public IReadOnlyList<UpstreamFile> Files { get; } = files;

    public FrozenDictionary<string, UpstreamFile> ByName { get; } =
        files.DistinctBy(static f => f.FileName, StringComparer.Ordinal).ToFrozenDictionary(static f => f.FileName, StringComparer.Ordinal);

    /// <summary>The merged pages for this listing and <paramref name="local"/>, rendered once per pair.</summary>
    public IndexPages PagesFor(ProjectEntry? local, Func<IndexPages> render)
    {
        var current = Volatile.Read(ref merged);
        if (current is not null && ReferenceEquals(current.Local, local))
        {
            return current.Pages;
        }

        var made = new MergedPages(local, render());
        Volatile.Write(ref merged, made);
        return made.Pages;
    }

    private sealed record MergedPages(ProjectEntry? Local, IndexPages Pages);
}
