namespace PypiForge.Server.SimpleIndex;

/// <summary>URLs written into index pages. They are relative, so the same page is right behind any host name,
/// port or reverse proxy prefix.</summary>
public static class IndexUrls
{
    /// <summary>From <c>/simple/&lt;project&gt;/</c> to a file under <c>/packages/</c>.</summary>
    public static string FileFromProjectPage(string relativePath) => "../../packages/" + EscapePath(relativePath);

    public static string EscapePath(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
}
