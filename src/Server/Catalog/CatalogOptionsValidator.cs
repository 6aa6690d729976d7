using Microsoft.Extensions.Options;

namespace PypiForge.Server.Catalog;

/// <summary>Validates the catalog settings at start-up. Every message names the configuration key (and its
/// command-line switch) so a person can fix it without reading code.</summary>
internal sealed class CatalogOptionsValidator : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Root))
        {
            return ValidateOptionsResult.Fail("Catalog:Root (--root) must name the package folder.");
        }

        if (options.Root.Contains('\0', StringComparison.Ordinal) || options.StateDirectory?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return ValidateOptionsResult.Fail("Catalog:Root (--root) and Catalog:StateDirectory (--state-dir) must not contain NUL characters.");
        }

        var failures = new List<string>();
        if (File.Exists(options.RootPath))
        {
            failures.Add($"Catalog:Root (--root) is '{options.RootPath}', which is a file; give a folder (it is created if missing).");
        }

        if (File.Exists(options.StatePath))
        {
            failures.Add($"Catalog:StateDirectory (--state-dir) is '{options.StatePath}', which is a file; give a folder (it is created if missing).");
        }

        if (options.ReconcileInterval < TimeSpan.FromSeconds(1) || options.ReconcileInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"Catalog:ReconcileInterval is {options.ReconcileInterval}; use a value from 00:00:01 to 1.00:00:00 (e.g. 00:00:30).");
        }

        if (options.SettleDelay < TimeSpan.Zero || options.SettleDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Catalog:SettleDelay is {options.SettleDelay}; use a value from 00:00:00 to 00:01:00 (e.g. 00:00:00.150).");
        }

        if (options.MaxMetadataBytes < 1024 || options.MaxMetadataBytes > 64L * 1024 * 1024)
        {
            failures.Add($"Catalog:MaxMetadataBytes is {options.MaxMetadataBytes}; use a value from 1024 to 67108864 bytes.");
        }

        if (options.PageCacheMiB is < 0 or > 1024 * 1024)
        {
            failures.Add($"Catalog:PageCacheMiB is {options.PageCacheMiB}; use 0 (render every page on request) to 1048576 MiB (default {CatalogOptions.DefaultPageCacheMiB}).");
        }

        if (StateFormat.Problem(options.StatePath) is { } format)
        {
            failures.Add($"Catalog:StateDirectory (--state-dir) is '{options.StatePath}': {format}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
