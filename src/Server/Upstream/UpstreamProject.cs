using System.Collections.Frozen;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>What one upstream said about a project at <see cref="FetchedAt"/>: its files, or that it has no such
/// project. A revalidation that changes nothing (304) makes a new instance over the same <see cref="Listing"/>,
/// so pages rendered from it are kept.</summary>
public sealed class UpstreamProject
{
    public UpstreamProject(string key, UpstreamIndex? source, string? etag, DateTimeOffset fetchedAt, UpstreamListing listing)
    {
        Key = key;
        Source = source;
        ETag = etag;
        FetchedAt = fetchedAt;
        Listing = listing;
    }

    public string Key { get; }

    /// <summary>The index the files came from; null when no upstream has the project.</summary>
    public UpstreamIndex? Source { get; }

    public string? ETag { get; }

    public DateTimeOffset FetchedAt { get; }

    public UpstreamListing Listing { get; }

    public bool Found => Source is not null;

    public UpstreamProject Revalidated(DateTimeOffset now) => new(Key, Source, ETag, now, Listing);
}

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
