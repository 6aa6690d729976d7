using PypiForge.Agent.Pip;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Tests.Support;

public static class Requests
{
    /// <summary>A request whose wheel, work and log paths live in <paramref name="work"/>.</summary>
    public static PipWheelRequest For(BuildTarget target, TempDirectory work, IReadOnlyList<string> requirements, Uri indexUrl, TimeSpan timeout) =>
        new(
            target,
            requirements,
            indexUrl,
            ExtraIndexUrls: [],
            WithDependencies: false,
            Prerelease: false,
            WheelDirectory: work.Combine("work", "wheels"),
            WorkingDirectory: work.Combine("work"),
            LogPath: work.Combine("logs", "pip.log"),
            timeout);
}
