using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.EndToEnd;

/// <summary>One real server for the pip tests, serving the distributions setuptools built for this run.</summary>
public sealed class PipServerFixture : IAsyncLifetime
{
    public static readonly string[] Served =
    [
        "pf_pure-1.0-py2.py3-none-any.whl",
        "pf-pure-1.0.tar.gz",
        "pf_pure-2.0-py3-none-any.whl",
        "pf_dep-1.0-py2.py3-none-any.whl",
        "pf_cext-1.0-cp311-cp311-linux_x86_64.whl",
        "pf-cext-1.0.tar.gz",
    ];

    public ServerHost Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var root = TempDirectory.Create("pip-root");
        foreach (var name in Served)
        {
            File.Copy(DistFixtures.Path(name), Path.Combine(root, name));
        }

        // Build back-ends for isolated builds, as a real index would serve them: the interpreter's own bundled
        // setuptools and Debian's wheel (pip fetches both from this index to build an sdist).
        foreach (var backend in await BuildBackendWheelsAsync())
        {
            File.Copy(backend, Path.Combine(root, Path.GetFileName(backend)));
        }

        Server = await ServerHost.StartAsync(root);
    }

    /// <summary>Moved to tests/TestSupport (the CLI's tests serve them too).</summary>
    public static Task<string[]> BuildBackendWheelsAsync() => BuildBackendWheels.FindAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        TempDirectory.Delete(Server.Root);
    }
}

[CollectionDefinition(Name)]
public sealed class PipServerGroup : ICollectionFixture<PipServerFixture>
{
    public const string Name = "real pip against a real server";
}
