using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>Whether a remote agent's call may report on a target: it is running and the call carries the claim its
/// BeginTarget returned (<see cref="Held"/>), or why not.</summary>
internal abstract record TargetHold
{
    private TargetHold()
    {
    }

    /// <summary>The caller holds the running target of this build.</summary>
    public sealed record Held(string BuildId, IReadOnlyList<string> Requirements, bool WithDependencies, string LogPath) : TargetHold;

    public sealed record NoBuild : TargetHold;

    public sealed record NoTarget(string BuildId) : TargetHold;

    public sealed record NotRunning(string BuildId, TargetState State) : TargetHold;

    public sealed record NotHeld(string BuildId) : TargetHold;
}
