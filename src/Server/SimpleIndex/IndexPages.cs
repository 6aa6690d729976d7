namespace PypiForge.Server.SimpleIndex;

/// <summary>The HTML and JSON pages of one index resource, each rendered on first request and then kept
/// until the catalog changes (the owner object is replaced on every change).</summary>
public sealed class IndexPages(Func<RenderedPage> html, Func<RenderedPage> json)
{
    private readonly Lazy<RenderedPage> htmlPage = new(html);
    private readonly Lazy<RenderedPage> jsonPage = new(json);

    /// <summary>The pages of one project, rendered on first request.</summary>
    public static IndexPages For(IndexProject project) => new(
        () => new RenderedPage(HtmlIndexRenderer.RenderProject(project)),
        () => new RenderedPage(JsonIndexRenderer.RenderProject(project)));

    public RenderedPage Get(IndexFormat format) => format == IndexFormat.JsonV1 ? jsonPage.Value : htmlPage.Value;

    public PageResult Result(IndexFormat format) => new(Get(format), ContentNegotiation.ContentType(format));
}
