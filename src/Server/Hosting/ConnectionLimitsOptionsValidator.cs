using Microsoft.Extensions.Options;

namespace PypiForge.Server.Hosting;

/// <summary>Checks the <c>Limits</c> section at start-up; Kestrel would otherwise throw on these values only when it is
/// configured, as a trace instead of a message naming the key.</summary>
internal sealed class ConnectionLimitsOptionsValidator : IValidateOptions<ConnectionLimitsOptions>
{
    internal const int MaxConnectionsCeiling = 1_000_000;

    public ValidateOptionsResult Validate(string? name, ConnectionLimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConnections is < 1 or > MaxConnectionsCeiling)
        {
            failures.Add($"Limits:MaxConnections is {options.MaxConnections}; use a value from 1 to {MaxConnectionsCeiling} (default 4096), below the process's open-file limit (ulimit -n).");
        }

        if (options.KeepAliveTimeout < TimeSpan.FromSeconds(1) || options.KeepAliveTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"Limits:KeepAliveTimeout is {options.KeepAliveTimeout}; use a value from 00:00:01 to 1.00:00:00 (default 00:02:00).");
        }

        if (options.RequestHeadersTimeout < TimeSpan.FromSeconds(1) || options.RequestHeadersTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"Limits:RequestHeadersTimeout is {options.RequestHeadersTimeout}; use a value from 00:00:01 to 01:00:00 (default 00:00:30).");
        }

        if (double.IsNaN(options.MinRequestBodyDataRate) || options.MinRequestBodyDataRate < 0 || options.MinRequestBodyDataRate > 1024 * 1024 * 1024)
        {
            failures.Add($"Limits:MinRequestBodyDataRate is {options.MinRequestBodyDataRate}; use bytes per second from 0 (off) to 1073741824 (default 240).");
        }

        // Kestrel checks data rates on a one-second heartbeat and refuses a grace period that is not longer than it.
        if (options.MinRequestBodyDataRateGracePeriod <= TimeSpan.FromSeconds(1) || options.MinRequestBodyDataRateGracePeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"Limits:MinRequestBodyDataRateGracePeriod is {options.MinRequestBodyDataRateGracePeriod}; use a value above 00:00:01 and up to 01:00:00 (default 00:00:05).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
