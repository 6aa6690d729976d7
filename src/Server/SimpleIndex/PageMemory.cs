using System.Collections.Concurrent;

namespace PypiForge.Server.SimpleIndex;

/// <summary>
/// The memory the rendered index pages may keep (<c>Catalog:PageCacheMiB</c>), with their compressed copies. A page is
/// rendered on first request and kept while it is asked for; past the budget, the pages not asked for since the clock
/// hand last passed them are dropped (second chance) and rendered again, byte for byte the same, when next requested.
/// Pages of a replaced catalog snapshot leave the same way. A dropped page costs one render (tens of microseconds for a
/// project of 20 files) and, for a compressed request, one compression.
/// </summary>
public sealed class PageMemory
{
    private readonly ConcurrentQueue<Slot> clock = new();
    private readonly Lock trimming = new();
    private long limit;
    private long used;

    public PageMemory(long limitBytes) => limit = limitBytes;

    /// <summary>The server's own, configured once at start (<see cref="Configure"/>).</summary>
    public static PageMemory Shared { get; } = new(Catalog.CatalogOptions.DefaultPageCacheMiB * 1024L * 1024);

    /// <summary>Bytes held by the pages kept now (bodies and compressed copies).</summary>
    public long Used => Interlocked.Read(ref used);

    public long Limit => Interlocked.Read(ref limit);

    public void Configure(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        Interlocked.Exchange(ref limit, limitBytes);
        Trim();
    }

    /// <summary>Counts a page <paramref name="owner"/> now keeps in its slot <paramref name="format"/>.</summary>
    internal void Admit(IndexPages owner, IndexFormat format, RenderedPage page)
    {
        clock.Enqueue(new Slot(owner, format, page));
        Charge(page.Bytes);
    }

    /// <summary>Counts bytes added to a kept page (a compressed copy made on demand).</summary>
    internal void Charge(long bytes)
    {
        if (Interlocked.Add(ref used, bytes) > Interlocked.Read(ref limit))
            Trim();
    }

    private void Trim()
    {
        // One trimmer at a time; others go on serving (the budget is a target, not a hard wall).
        if (!trimming.TryEnter())
            return;
        try
        {
            // Each slot gets at most one second chance per trim, so a trim ends even when every page is in use.
            var passes = clock.Count * 2;
            while (Interlocked.Read(ref used) > Interlocked.Read(ref limit) && passes-- > 0 && clock.TryDequeue(out var slot))
            {
                if (slot.Page.TakeRecentUse() && slot.Owner.Holds(slot.Format, slot.Page))
                {
                    clock.Enqueue(slot);
                    continue;
                }

                slot.Owner.Drop(slot.Format, slot.Page);
                Interlocked.Add(ref used, -slot.Page.Release());
            }
        }
        finally
        {
            trimming.Exit();
        }
    }

    private sealed record Slot(IndexPages Owner, IndexFormat Format, RenderedPage Page);
}
