using System.Text.RegularExpressions;

namespace PypiForge.Agent.Remote;

/// <summary>Refuses what no key of the agent knows, as the server does: the configuration binder ignores an unknown
/// switch, a stray word or a switch without its value, so a typo (<c>--sever</c>) would otherwise start an agent that
/// does something other than what was asked.</summary>
internal static partial class AgentCommandLine
{
    /// <summary>The sections a <c>--Section:Key</c> switch may name on an agent.</summary>
    private static readonly string[] Sections = ["Agent", "Queue", "Logging"];

    /// <summary>Top-level keys the generic host reads.</summary>
    private static readonly string[] HostKeys = ["environment", "contentRoot", "applicationName"];

    /// <summary>Why the command line cannot be used (one sentence naming the word), or null when every switch sets a key.</summary>
    public static string? Refusal(string[] args, IReadOnlyDictionary<string, string> switches)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(switches);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                return $"unexpected '{arg}'; every setting is a switch with a value (--server URL, --Agent:WorkerCount 2); `--help` lists them.";
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? arg[..separator] : arg;
            if (!IsKnown(name, switches))
            {
                return $"unknown option '{name}'; `--help` lists the options (configuration keys are written --Section:Key, e.g. --Agent:WorkerCount).";
            }

            if (separator < 0 && ++i >= args.Length)
            {
                return $"{name} needs a value, e.g. {name} VALUE.";
            }
        }

        return null;
    }

    /// <summary>A validator's line starts with the key and its switch ("Agent:Server (--server) is …"); when the value came
    /// from the environment and not the command line, the line names the variable the operator set instead, as the
    /// server's lines do.</summary>
    public static string NamingTheVariable(string failure, string[] args, IReadOnlyDictionary<string, string> switches)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(switches);
        var match = FailureKey().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var key = match.Groups["key"].Value;
        var onCommandLine = args.Any(a => a.StartsWith("--", StringComparison.Ordinal)
            && (string.Equals(a[2..].Split('=')[0], key, StringComparison.OrdinalIgnoreCase)
                || (switches.TryGetValue(a.Split('=')[0], out var mapped) && string.Equals(mapped, key, StringComparison.OrdinalIgnoreCase))));
        if (onCommandLine)
        {
            return failure;
        }

        var variable = "PYPIFORGE_" + key.Replace(":", "__", StringComparison.Ordinal);
        var set = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .FirstOrDefault(n => string.Equals(n, variable, StringComparison.OrdinalIgnoreCase));
        return set is null ? failure : $"{key} (environment variable {set}){failure[match.Length..]}";
    }

    private static bool IsKnown(string name, IReadOnlyDictionary<string, string> switches)
    {
        if (switches.ContainsKey(name))
        {
            return true;
        }

        var key = name[2..];
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
            : colon + 1 < key.Length && Sections.Contains(key[..colon], StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z]+(?::[A-Za-z0-9]+)+)(?: \(--[A-Za-z-]+\))?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FailureKey();
}
