using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Tests.Publishing;

/// <summary>The package folder's writer and the catalog behind it, on a fresh root, without a web host. Time is fake,
/// so a spec decides when the batched save of <c>catalog.json</c> is due.</summary>
internal sealed class FolderParts : IAsyncDisposable
{
    private readonly CatalogStateStore store;
    private readonly CatalogSynchronizer synchronizer;

    private FolderParts(string root)
    {
        Root = root;
        var options = Options.Create(new CatalogOptions { Root = root });
        Catalog = new PackageCatalog();
        store = new CatalogStateStore(options);
        var inspector = new FileInspector(options, store);
        Writer = new CatalogWriter(options, Catalog, store, inspector, Time, NullLogger<CatalogWriter>.Instance);
        synchronizer = new CatalogSynchronizer(options, Catalog, store, Writer, inspector, Time, NullLogger<CatalogSynchronizer>.Instance);
        Folder = new PackageFolder(options, Catalog, Writer, synchronizer, Time);
        Publisher = new WheelPublisher(options, Catalog, Folder, new BuiltWheelLedger(options), []);
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public PackageCatalog Catalog { get; }

    public CatalogWriter Writer { get; }

    public PackageFolder Folder { get; }

    public WheelPublisher Publisher { get; }

    public string StateFile => Path.Combine(Root, ".pypiforge", StateFolder.CatalogState);

    public static async Task<FolderParts> StartAsync(string root)
    {
        var parts = new FolderParts(root);
        await parts.synchronizer.StartAsync(CancellationToken.None);
        return parts;
    }

    /// <summary>Files in the root, hidden ones (staging) included, by name.</summary>
    public string[] FilesInRoot() => [.. Directory.GetFiles(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public async Task StopAsync() => await synchronizer.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await synchronizer.StopAsync(CancellationToken.None);
        synchronizer.Dispose();
        Writer.Dispose();
        store.Dispose();
        TempDirectory.Delete(Root);
    }
}
