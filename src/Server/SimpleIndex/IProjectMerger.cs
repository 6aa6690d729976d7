using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>Lets a feature add files from elsewhere (the upstream index) to the page of a project that is served here.
/// <see cref="Merges"/> is asked on every request and must be cheap; when it says no, the pre-rendered local page is served.</summary>
public interface IProjectMerger
{
    bool Merges(ProjectEntry project);

    ValueTask<IResult> MergeAsync(ProjectEntry project, IndexFormat format, HttpContext context, CancellationToken cancellationToken);
}

/// <summary>No upstream: local pages are served as they are.</summary>
public sealed class NoProjectMerger : IProjectMerger
{
    public bool Merges(ProjectEntry project) => false;

    public ValueTask<IResult> MergeAsync(ProjectEntry project, IndexFormat format, HttpContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("NoProjectMerger merges nothing; Merges() said so.");
}
