using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Hosting;

/// <summary>Turns a configuration mistake that surfaces as an exception anywhere in start-up (building the host,
/// mapping the endpoints, starting) into lines naming the key, and exit code 2. Options are bound lazily, so a value
/// the binder cannot convert ('maybe' for an enum) or a failed validator can throw from any feature's first read.</summary>
internal static partial class StartupFailure
{
    /// <summary>Runs <paramref name="start"/>; a configuration mistake is written to <paramref name="error"/> as a
    /// message, never a stack trace. <paramref name="args"/> tell whether a value came from the command line or the
    /// environment, so the message names what the operator actually set.</summary>
    public static async Task<int> ReportAsync(string program, string[] args, TextWriter error, Func<Task<int>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return await start();
        }
        catch (Exception ex) when (Describe(ex, args) is { Count: > 0 } lines)
        {
            if (lines.Count == 1)
            {
                await error.WriteLineAsync($"{program} cannot start: {lines[0]}");
            }
            else
            {
                await error.WriteLineAsync($"{program} cannot start, the configuration is invalid:");
                foreach (var line in lines)
                {
                    await error.WriteLineAsync("  " + line);
                }
            }

            return 2;
        }
    }

    /// <summary>The sentences an exception carries for an operator; empty when it is not a configuration mistake.</summary>
    internal static List<string> Describe(Exception exception, string[] args)
    {
        var lines = new List<string>();
        Collect(exception, args, lines);
        return lines;
    }

    private static void Collect(Exception? exception, string[] args, List<string> lines)
    {
        switch (exception)
        {
            case null:
                return;
            case OptionsValidationException validation:
                lines.AddRange(validation.Failures.Select(f => NamingTheVariable(f, args)));
                return;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, args, lines);
                }

                return;
            case InvalidOperationException when ConversionPattern().Match(exception.Message) is { Success: true } match:
                lines.Add(Conversion(match.Groups["key"].Value, match.Groups["value"].Value, match.Groups["type"].Value, args));
                return;
            default:
                Collect(exception.InnerException, args, lines);
                return;
        }
    }

    /// <summary>"Failed to convert configuration value 'maybe' at 'Auth:TrustLoopback' to type 'X'" becomes the key,
    /// the value, where it was set and what is accepted.</summary>
    private static string Conversion(string key, string value, string typeName, string[] args)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(typeName, throwOnError: false))
            .FirstOrDefault(static t => t is not null);
        var accepted = type switch
        {
            { IsEnum: true } => "use one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(bool) => "use true or false",
            _ when type == typeof(TimeSpan) => "use a time span such as 00:00:30 (hh:mm:ss)",
            _ when type == typeof(int) || type == typeof(long) => "use a whole number",
            _ => $"it must be a {type?.Name ?? typeName}",
        };
        return $"{key}{Source(key, args)} is '{value}'; {accepted}.";
    }

    /// <summary>A validator's line starts with the key and its switch ("Catalog:Root (--root) is …"); when the value came
    /// from the environment and not the command line, the line names the variable the operator set instead.</summary>
    private static string NamingTheVariable(string failure, string[] args)
    {
        var match = FailureKey().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var key = match.Groups["key"].Value;
        var source = Source(key, args);
        return source.StartsWith(" (environment variable ", StringComparison.Ordinal) ? key + source + failure[match.Length..] : failure;
    }

    /// <summary>" (--switch)" or " (environment variable NAME)" — the binder names only the key.</summary>
    private static string Source(string key, string[] args)
    {
        var onCommandLine = args.Any(a => a.StartsWith("--", StringComparison.Ordinal)
            && (string.Equals(a[2..].Split('=')[0], key, StringComparison.OrdinalIgnoreCase)
                || (PypiForgeServer.SwitchMappings.TryGetValue(a.Split('=')[0], out var mapped) && string.Equals(mapped, key, StringComparison.OrdinalIgnoreCase))));
        if (onCommandLine)
        {
            var shortSwitch = PypiForgeServer.SwitchMappings.FirstOrDefault(m => string.Equals(m.Value, key, StringComparison.OrdinalIgnoreCase)).Key;
            return shortSwitch is null ? string.Empty : $" ({shortSwitch})";
        }

        var variable = EnvironmentNames.Prefix + key.Replace(":", "__", StringComparison.Ordinal);
        var set = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .FirstOrDefault(n => string.Equals(n, variable, StringComparison.OrdinalIgnoreCase));
        return set is null ? string.Empty : $" (environment variable {set})";
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z]+(?::[A-Za-z0-9]+)+)(?: \(--[A-Za-z-]+\))?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FailureKey();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ConversionPattern();
}
