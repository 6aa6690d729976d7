using Microsoft.Extensions.Options;

namespace PypiForge.Server.Metrics;

/// <summary>A word the binder cannot read ('sometimes') is reported by <see cref="Hosting.StartupFailure"/>; a number
/// ('7') binds to no defined access and is caught here.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options) =>
        Enum.IsDefined(options.Access)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Metrics:Access is '{(int)options.Access}'; use loopback (the default), open, admin or off.");
}
