namespace PypiForge.Agent.Remote;

/// <summary>Refuses what no key of the agent knows, as the server does: the configuration binder ignores an unknown
/// switch, a stray word or a switch without its value, so a typo (<c>--sever</c>) would otherwise start an agent that
/// does something other than what was asked.</summary>
internal static class AgentCommandLine
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
}
