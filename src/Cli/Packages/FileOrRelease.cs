using PypiForge.Cli.Hosting;

namespace PypiForge.Cli.Packages;

/// <summary>What yank, unyank and delete act on: one file by name, or every file of a release (<c>NAME==VERSION</c>).</summary>
public sealed record FileOrRelease(string? FileName, string? Project, string? Version)
{
    public bool IsRelease => Project is not null;

    public static FileOrRelease Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        var split = value.IndexOf("==", StringComparison.Ordinal);
        if (split >= 0)
        {
            var project = value[..split].Trim();
            var version = value[(split + 2)..].Trim();
            if (project.Length == 0 || version.Length == 0 || version.Contains('=', StringComparison.Ordinal))
            {
                throw new UsageException($"'{text}' is neither a file name nor NAME==VERSION (e.g. pf-pure==1.0).");
            }

            return new FileOrRelease(null, project, version);
        }

        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
        {
            throw new UsageException($"'{text}' is neither a file name nor NAME==VERSION: give a bare file name (e.g. pf_pure-1.0-py3-none-any.whl), no folders.");
        }

        return new FileOrRelease(value, null, null);
    }

    public override string ToString() => IsRelease ? $"{Project} {Version} (every file of the release)" : FileName!;
}
