using System.Globalization;

namespace PypiForge.Server.Builds;

/// <summary>The agent that held a running target stopped beating (killed, its machine gone): when that was noticed, when
/// it was last heard from, and by when its job is visible again to the other agents of the target.</summary>
public sealed record AgentLoss(string Agent, DateTimeOffset LostAt, DateTimeOffset? LastHeartbeat, DateTimeOffset RunsAgainBy)
{
    /// <summary>For a person: "agent … lost at T (…), runs again by T' …".</summary>
    public string Describe() =>
        $"agent {Agent} lost at {Time(LostAt)} ("
        + (LastHeartbeat is { } beat ? $"last heartbeat {Time(beat)}" : "gone from the agent list")
        + $"); runs again by {Time(RunsAgainBy)} on another agent of the target, or when one starts";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
