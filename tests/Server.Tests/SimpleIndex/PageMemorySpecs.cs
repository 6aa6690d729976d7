using System.Text;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Tests.SimpleIndex;

/// <summary>The budget of rendered index pages (Catalog:PageCacheMiB): pages past it are dropped, least recently asked
/// for first, and rendered again, the same bytes and ETag, when asked for.</summary>
public sealed class PageMemorySpecs
{
    private static IndexPages Pages(PageMemory memory, string name, Action? rendered = null) => new(
        () => { rendered?.Invoke(); return new RenderedPage(Encoding.UTF8.GetBytes(new string('h', 10_000) + name)); },
        () => { rendered?.Invoke(); return new RenderedPage(Encoding.UTF8.GetBytes(new string('j', 10_000) + name)); },
        memory);

    [Fact]
    public void Pages_past_the_budget_are_dropped_and_rendered_again_with_the_same_etag()
    {
        var memory = new PageMemory(50_000);
        var renders = 0;
        var all = Enumerable.Range(0, 20).Select(i => Pages(memory, "p" + i, () => renders++)).ToList();
        var etags = all.Select(p => p.Get(IndexFormat.Html).ETag).ToList();

        Assert.Equal(20, renders);
        Assert.InRange(memory.Used, 1, 50_000);

        var again = all.Select(p => p.Get(IndexFormat.Html).ETag).ToList();
        Assert.Equal(etags, again);
        Assert.True(renders > 20, "no page was dropped although twenty pages of 10 kB exceed a 50 kB budget");
        Assert.InRange(memory.Used, 1, 50_000);
    }

    [Fact]
    public void A_page_asked_for_again_outlives_pages_nobody_asked_for()
    {
        var memory = new PageMemory(45_000);
        var hotRenders = 0;
        var hot = Pages(memory, "hot", () => hotRenders++);
        hot.Get(IndexFormat.Html);
        for (var i = 0; i < 30; i++)
        {
            Pages(memory, "cold" + i).Get(IndexFormat.Html);
            hot.Get(IndexFormat.Html);
        }

        Assert.Equal(1, hotRenders);
    }

    [Fact]
    public void Compressed_copies_count_and_a_dropped_page_no_longer_counts()
    {
        var memory = new PageMemory(1_000_000);
        var pages = Pages(memory, "x");
        var page = pages.Get(IndexFormat.JsonV1);
        var before = memory.Used;

        _ = page.Gzip;
        _ = page.Brotli;
        Assert.Equal(before + page.Gzip.Length + page.Brotli.Length, memory.Used);

        memory.Configure(0);
        Assert.Equal(0, memory.Used);
        Assert.NotSame(page, pages.Get(IndexFormat.JsonV1));
        Assert.Equal(page.ETag, pages.Get(IndexFormat.JsonV1).ETag);
    }

    [Fact]
    public async Task Concurrent_requests_keep_the_count_consistent()
    {
        var memory = new PageMemory(200_000);
        var all = Enumerable.Range(0, 100).Select(i => Pages(memory, "c" + i)).ToArray();
        await Parallel.ForAsync(0, 4000, async (i, cancellation) =>
        {
            var page = all[(i * 7919) % all.Length].Get(i % 2 == 0 ? IndexFormat.Html : IndexFormat.JsonV1);
            _ = i % 3 == 0 ? page.Gzip : page.Body;
            await Task.Yield();
        });

        memory.Configure(0);
        Assert.Equal(0, memory.Used);
    }
}
