using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Builds;
using PypiForge.Server.Catalog;
using PypiForge.Server.Tests.EndToEnd;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Builds;

/// <summary>A real server whose embedded agent builds with pyenv's Python 2.7 warns once when its index serves no
/// setuptools or wheel that runs there, and not when it does.</summary>
public sealed class BuildBackendWarningSpecs
{
    private const string Py2Compatible = ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*";

    [Fact]
    public async Task A_python_2_7_target_with_only_py3_back_ends_on_the_index_is_warned_once_naming_what_to_drop_in()
    {
        var root = TempDirectory.Create("py27-backends");
        foreach (var backend in await PipServerFixture.BuildBackendWheelsAsync())
        {
            File.Copy(backend, Path.Combine(root, Path.GetFileName(backend)));
        }

        await using var server = await StartAsync(root);
        var target = await Python27TargetAsync(server);
        server.Services.GetServices<IHostedService>().OfType<BuildBackendWarnings>().Single().CheckNewTargets();

        var warning = Assert.Single(server.Logs.Messages(LogLevel.Warning), m => m.Contains("Build back-ends for " + target, StringComparison.Ordinal));
        Assert.Contains($"Build target {target} (Python 2.7) cannot install a build back-end this index serves", warning, StringComparison.Ordinal);
        Assert.Contains("setuptools-44.1.1-py2.py3-none-any.whl and wheel-0.34.2-py2.py3-none-any.whl", warning, StringComparison.Ordinal);
        TempDirectory.Delete(root);
    }

    [Fact]
    public async Task A_python_2_7_target_with_back_ends_that_run_there_is_not_warned()
    {
        var root = TempDirectory.Create("py27-backends");
        foreach (var backend in await PipServerFixture.BuildBackendWheelsAsync())
        {
            File.Copy(backend, Path.Combine(root, Path.GetFileName(backend)));
        }

        // pyenv 2.7's own bundled setuptools (41.2.0, py2.py3, Requires-Python >=2.7 without 3.0-3.3), and a wheel 0.34.2 as Debian bullseye ships it.
        var bundled = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(PythonInterpreter.Pyenv("2.7").Path)!)!, "lib", "python2.7", "ensurepip", "_bundled"), "setuptools-*.whl");
        File.Copy(Assert.Single(bundled), Path.Combine(root, Path.GetFileName(bundled[0])));
        TestDists.Wheel(root, "wheel", "0.34.2", tags: "py2.py3-none-any", requiresPython: Py2Compatible);

        await using var server = await StartAsync(root);
        var target = await Python27TargetAsync(server);
        server.Services.GetServices<IHostedService>().OfType<BuildBackendWarnings>().Single().CheckNewTargets();

        Assert.DoesNotContain(server.Logs.Messages(LogLevel.Warning), m => m.Contains("Build back-ends for", StringComparison.Ordinal));
        Assert.StartsWith("cp27-", target, StringComparison.Ordinal);
        TempDirectory.Delete(root);
    }

    private static Task<ServerHost> StartAsync(string root) =>
        ServerHost.StartAsync(root, "--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", PythonInterpreter.Pyenv("2.7").Path);

    private static async Task<string> Python27TargetAsync(ServerHost server)
    {
        var targets = server.Services.GetRequiredService<ILiveTargets>();
        var catalog = server.Services.GetRequiredService<PackageCatalog>();
        var ready = await ServerHost.EventuallyAsync(
            () => Task.FromResult(catalog.IsReady && targets.Names().Any(static n => n.StartsWith("cp27-", StringComparison.Ordinal))), TimeSpan.FromSeconds(60));
        Assert.True(ready, "the embedded agent did not register its Python 2.7 target: " + string.Join('\n', server.Logs.Messages()));
        return targets.Names().Single(static n => n.StartsWith("cp27-", StringComparison.Ordinal));
    }
}
