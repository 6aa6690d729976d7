namespace PypiForge.Server.SimpleIndex;

/// <summary>The HTML and JSON pages of one index resource, each rendered on first request and then kept until the
/// catalog changes (the owner object is replaced on every change) or <see cref="PageMemory"/> needs the room.</summary>
public sealed class IndexPages(Func<RenderedPage> html, Func<RenderedPage> json, PageMemory? memory = null)
{
    private readonly PageMemory memory = memory ?? PageMemory.Shared;
    private RenderedPage? htmlPage;
    private RenderedPage? jsonPage;

    /// <summary>The pages of one project, rendered on first request.</summary>
    public static IndexPages For(IndexProject project) => new(
        () => new RenderedPage(HtmlIndexRenderer.RenderProject(project)),
        () => new RenderedPage(JsonIndexRenderer.RenderProject(project)));

    /// <summary>The pages of one project whose model is made for each render and not kept.</summary>
    public static IndexPages For(Func<IndexProject> project) => new(
        () => new RenderedPage(HtmlIndexRenderer.RenderProject(project())),
        () => new RenderedPage(JsonIndexRenderer.RenderProject(project())));

    public RenderedPage Get(IndexFormat format)
    {
        ref var slot = ref Slot(format);
        var page = Volatile.Read(ref slot);
        if (page is null)
        {
            // Two first requests at once may both render; one page is kept, the other is garbage.
            var rendered = format == IndexFormat.JsonV1 ? json() : html();
            page = Interlocked.CompareExchange(ref slot, rendered, null) ?? rendered;
            if (ReferenceEquals(page, rendered))
                rendered.KeptBy(memory, this, format);
        }

        page.MarkUsed();
        return page;
    }

    public PageResult Result(IndexFormat format) => new(Get(format), ContentNegotiation.ContentType(format));

    internal bool Holds(IndexFormat format, RenderedPage page) => ReferenceEquals(Volatile.Read(ref Slot(format)), page);

    internal void Drop(IndexFormat format, RenderedPage page) => Interlocked.CompareExchange(ref Slot(format), null, page);

    private ref RenderedPage? Slot(IndexFormat format) => ref format == IndexFormat.JsonV1 ? ref jsonPage : ref htmlPage;
}
