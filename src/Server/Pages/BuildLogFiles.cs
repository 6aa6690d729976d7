using System.Text;
using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Pages;

/// <summary>Build logs as the scheduler writes them: <c>&lt;state&gt;/builds/&lt;build id&gt;/&lt;target&gt;.log</c>. Callers
/// pass only a known build's id and one of its target names, so the path stays inside that folder.</summary>
public sealed class BuildLogFiles(IOptions<CatalogOptions> options)
{
    /// <summary>The most of a log a build page shows inline; the whole file is one link away.</summary>
    public const int InlineBytes = 256 * 1024;

    private readonly string root = Path.Combine(options.Value.StatePath, "builds");

    public string PathOf(string buildId, string target) => Path.Combine(root, buildId, target + ".log");

    /// <summary>The end of the log (at most <see cref="InlineBytes"/>), whether it was cut, or null when there is no file.</summary>
    public async Task<(string Text, bool Cut)?> TailAsync(string buildId, string target, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(PathOf(buildId, target), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
            var cut = file.Length > InlineBytes;
            if (cut)
            {
                file.Seek(-InlineBytes, SeekOrigin.End);
            }

            using var reader = new StreamReader(file, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(cancellationToken);

            // Start at a whole line when the front was cut off.
            return (cut && text.IndexOf('\n', StringComparison.Ordinal) is var n and >= 0 ? text[(n + 1)..] : text, cut);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
