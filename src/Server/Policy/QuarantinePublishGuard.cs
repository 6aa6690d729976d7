using PypiForge.Packaging;
using PypiForge.Server.Builds;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Policy;

/// <summary>Refuses to publish a built wheel of a project quarantined here (PEP 792): it would not be offered anyway.</summary>
public sealed class QuarantinePublishGuard(LocalProjectStatuses statuses) : IPublishGuard
{
    public ValueTask<string?> RefuseAsync(WheelFilename wheel, string sha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        return ValueTask.FromResult(statuses.Of(wheel.NormalizedProject) is { IsQuarantined: true } quarantined ? quarantined.Refusal : null);
    }
}
