using System.Text.RegularExpressions;

namespace PypiForge.Protos.Jobs;

/// <summary>One Hangfire queue per target, named after the target ("cp311-cp311-linux_x86_64"): agents serve the
/// queues of the interpreters they have, and Hangfire's server registry lists who serves what.</summary>
public static partial class BuildQueues
{
    /// <summary>The queue of a target. Target names are already valid queue names (checked at discovery).</summary>
    public static string ForTarget(string target) => target;

    /// <summary>Hangfire accepts lowercase letters, digits, '_' and '-' in queue names.</summary>
    public static bool IsValidQueueName(string name) => QueueName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9_-]{1,100}$")]
    private static partial Regex QueueName();
}
