using PypiForge.Protos.V1;

namespace PypiForge.Server.Builds;

/// <summary>The targets some live agent serves (<see cref="LiveTargets"/> reads Hangfire's server registry); a seam so
/// scheduling is specified without a Hangfire server.</summary>
public interface ILiveTargets
{
    /// <summary>Each live target with its agents and queue; <paramref name="running"/> counts its running targets.</summary>
    IReadOnlyList<Target> List(Func<string, long> running);

    IReadOnlyList<string> Names();
}
