
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
