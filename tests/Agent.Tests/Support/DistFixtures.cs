using CliWrap;
using CliWrap.Buffered;

namespace PypiForge.Agent.Tests.Support;

/// <summary>
/// The real distributions tests/fixtures/make-dists.sh builds (pf_pure-1.0-py2.py3-none-any.whl,
/// ...). The script runs once per test process and is a no-op when its stamp is current.
/// </summary>
public static class DistFixtures
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Absolute path of one built distribution.</summary>
    public static async Task<string> PathAsync(string fileName)
    {
        var path = Path.Combine(await Built.Value, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"tests/fixtures/make-dists.sh did not produce {fileName}.", path);
    }

    private static async Task<string> BuildAsync()
    {
        var root = RepositoryRoot();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await Cli.Wrap("bash")
            .WithArguments([Path.Combine(root, "tests", "fixtures", "make-dists.sh")])
            .WithWorkingDirectory(root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"tests/fixtures/make-dists.sh failed with exit code {result.ExitCode}; run it by hand.\n{result.StandardError}\n{result.StandardOutput}");
        }

        return Path.Combine(root, "tests", "fixtures", "dist");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PypiForge.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"No PypiForge.sln above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}
