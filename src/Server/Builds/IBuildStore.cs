namespace PypiForge.Server.Builds;

/// <summary>Where build records outlive the process. With in-memory queue storage there is nothing to outlive: the
/// queue itself is gone after a restart, so <see cref="MemoryBuildStore"/> keeps nothing.</summary>
internal interface IBuildStore
{
    /// <summary>Creates what the store needs (its table), once, at start-up (<see cref="BuildStoreStartup"/>).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredBuild>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Saves the build unless a newer version of it is already saved (saves may race).</summary>
    void Save(StoredBuild build);
}
