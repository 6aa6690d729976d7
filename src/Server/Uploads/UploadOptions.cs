using Microsoft.Extensions.Options;

namespace PypiForge.Server.Uploads;

/// <summary>The upload API (twine, poetry, flit, pdm). Bound from the "Uploads" configuration section.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>The largest upload request accepted (the file and its form fields); larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>What an upload of an existing file name with different bytes does. Identical bytes always succeed.</summary>
    public OverwritePolicy Overwrite { get; set; } = OverwritePolicy.Never;

    /// <summary>Targets to build wheels for when an sdist is uploaded ("upload an sdist, get wheels"); empty: none.</summary>
    public List<string> BuildTargets { get; set; } = [];
}

public enum OverwritePolicy
{
    /// <summary>A file name is taken for good (PyPI's rule): "400 File already exists".</summary>
    Never,

    /// <summary>Any file may be replaced.</summary>
    Always,

    /// <summary>Only files of pre-release and dev versions may be replaced (nightlies); releases are final.</summary>
    PreReleases,
}

public sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options) =>
        options.MaxUploadBytes < 1024
            ? ValidateOptionsResult.Fail($"Uploads:MaxUploadBytes is {options.MaxUploadBytes}; use a size in bytes of at least 1024 (default 1073741824, 1 GiB).")
            : ValidateOptionsResult.Success;
}
