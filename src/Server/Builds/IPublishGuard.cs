using PypiForge.Packaging;

namespace PypiForge.Server.Builds;

/// <summary>A last check before a built wheel goes into the folder (the upstream feature uses it so that a local build
/// never takes a file name the upstream serves with other bytes).</summary>
public interface IPublishGuard
{
    /// <summary>Why the wheel must not be published, or null.</summary>
    ValueTask<string?> RefuseAsync(WheelFilename wheel, string sha256, CancellationToken cancellationToken);
}
