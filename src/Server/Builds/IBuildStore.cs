namespace PypiForge.Server.Builds;

/// <summary>Where build records outlive the process. With in-memory queue storage there is nothing to outlive: the
/// queue itself is gone after a restart, so <see cref="MemoryBuildStore"/> keeps nothing.</summary>
internal interface IBuildStore
{
    IReadOnlyList<StoredBuild> LoadAll();

    /// <summary>Saves the build unless a newer version of it is already saved (saves may race).</summary>
    void Save(StoredBuild build);
}

internal sealed class MemoryBuildStore : IBuildStore
{
    public IReadOnlyList<StoredBuild> LoadAll() => [];

    public void Save(StoredBuild build)
    {
    }
}
