namespace PypiForge.Server.Builds;

/// <summary>At start-up, before the embedded agent takes jobs and before Kestrel takes calls (hosted services start in
/// order, and this one is registered before both): creates the build store's table and hands the saved builds to
/// <see cref="BuildRecords"/>, so no request waits for DDL and no job meets a build the server has not loaded yet.</summary>
internal sealed class BuildStoreStartup(IBuildStore store, BuildRecords records) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        records.Restore(await store.LoadAllAsync(cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
