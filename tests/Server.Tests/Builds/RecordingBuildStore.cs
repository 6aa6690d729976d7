using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A build store that keeps every save, in order.</summary>
internal sealed class RecordingBuildStore : IBuildStore
{
    private readonly Lock sync = new();
    private readonly List<StoredBuild> saves = [];

    public IReadOnlyList<StoredBuild> Saves
    {
        get
        {
            lock (sync)
            {
                return [.. saves];
            }
        }
    }

    public bool Fail { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<StoredBuild>> LoadAllAsync(CancellationToken cancellationToken) => Task.FromResult(Saves);

    public void Save(StoredBuild build)
    {
        if (Fail)
        {
            throw new TimeoutException("The build store did not answer.");
        }

        lock (sync)
        {
            saves.Add(build);
        }
    }
}
