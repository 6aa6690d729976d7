using System.Globalization;
using PypiForge.Cli.Hosting;

namespace PypiForge.Cli.Policy;

/// <summary>The <c>--expires</c> value: a number and a unit (<c>90m</c>, <c>12h</c>, <c>2d</c>, <c>1w</c>) or a .NET
/// TimeSpan (<c>1.12:00:00</c>).</summary>
public static class Expiry
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        TimeSpan? parsed = null;
        if (value.Length >= 2 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            parsed = char.ToLowerInvariant(value[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(amount * 7),
                _ => null,
            };
        }
        else if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span))
        {
            parsed = span;
        }

        return parsed is { } result && result > TimeSpan.Zero
            ? result
            : throw new UsageException($"--expires '{text}' is not a positive duration: give e.g. 90m, 12h, 2d, 1w or 1.12:00:00.");
    }
}
