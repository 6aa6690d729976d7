using Microsoft.Extensions.Options;

namespace PypiForge.Server.Catalog;

/// <summary>Checks what data annotations cannot: that the folders are usable. Messages name the key.</summary>
internal sealed class CatalogOptionsValidator : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Root))
        {
            return ValidateOptionsResult.Fail("Catalog:Root (--root) must name the package folder.");
        }

        if (options.Root.Contains('\0', StringComparison.Ordinal) || options.StateDirectory?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return ValidateOptionsResult.Fail("Catalog:Root / Catalog:StateDirectory must not contain NUL characters.");
        }

        if (File.Exists(options.RootPath))
        {
            failures.Add($"Catalog:Root (--root) is '{options.RootPath}', which is a file; give a folder (it is created if missing).");
        }

        if (File.Exists(options.StatePath))
        {
            failures.Add($"Catalog:StateDirectory is '{options.StatePath}', which is a file; give a folder (it is created if missing).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
