namespace PypiForge.Server.Builds;

/// <summary>The store for in-memory queue storage: keeps nothing, since the queue forgets its jobs on a restart too.</summary>
internal sealed class MemoryBuildStore : IBuildStore
{
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<StoredBuild>> LoadAllAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredBuild>>([]);

    public void Save(StoredBuild build)
    {
    }
}
