namespace PypiForge.Protos.Jobs;

/// <summary>One Hangfire queue per target, named after the target ("cp311-cp311-linux_x86_64"): agents serve the
/// queues of the interpreters they have, and Hangfire's server registry lists who serves what.</summary>
public static class BuildQueues
{
    /// <summary>The queue of a target. Target names are already valid queue names (BuildTarget.NameFor checks them).</summary>
    public static string ForTarget(string target) => target;
}
