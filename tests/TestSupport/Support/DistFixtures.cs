using CliWrap;
using CliWrap.Buffered;
using IODirectory = System.IO.Directory;
using IOPath = System.IO.Path;

namespace PypiForge.Tests.Support;

/// <summary>
/// The real wheels and sdists built by tests/fixtures/make-dists.sh (pf-pure 1.0 and 2.0, pf-cext, Dotted.Name_Pkg,
/// pf-dep, ...). The script runs once per test process and is a no-op when its stamp is current, so every test may ask
/// for the files without cost.
/// </summary>
public static class DistFixtures
{
    private const string ScriptRelativePath = "tests/fixtures/make-dists.sh";
    private const int OutputTailLines = 40;

    private static readonly Lazy<string> Root = new(FindRepositoryRoot, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Task<string>> Built = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The directory holding PypiForge.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Absolute path of tests/fixtures/dist, built and up to date.</summary>
    public static string Directory => Built.Value.GetAwaiter().GetResult();

    /// <summary>Absolute path of one built distribution; throws, listing the names there are, when the build did not produce it.</summary>
    public static string Path(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (fileName.Contains('/', StringComparison.Ordinal) || fileName == "..")
            throw new ArgumentException($"'{fileName}' is not a plain file name.", nameof(fileName));

        var path = IOPath.Combine(Directory, fileName);
        if (File.Exists(path))
            return path;

        var available = IODirectory.GetFiles(Directory)
            .Select(IOPath.GetFileName)
            .Where(name => name is not null && !name.StartsWith('.'))
            .Order(StringComparer.Ordinal);
        throw new FileNotFoundException(
            $"{fileName} is not among the fixture distributions in {Directory}: {string.Join(", ", available)}. " +
            $"Add the project to {ScriptRelativePath} or use one of these names.",
            path);
    }

    /// <summary><see cref="Path"/> for async tests: the first caller waits for the build without blocking a thread.</summary>
    public static async Task<string> PathAsync(string fileName)
    {
        await Built.Value;
        return Path(fileName);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(IOPath.Combine(dir.FullName, "PypiForge.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException(
            $"No PypiForge.sln above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }

    private static async Task<string> BuildAsync()
    {
        var root = RepositoryRoot;
        // Cold builds take ~15 s; the generous limit covers a slow machine compiling pf-cext.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await Cli.Wrap("bash")
            .WithArguments([IOPath.Combine(root, ScriptRelativePath)])
            .WithWorkingDirectory(root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token)
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var combined = (result.StandardOutput + result.StandardError).TrimEnd();
            var tail = string.Join('\n', combined.Split('\n').TakeLast(OutputTailLines));
            throw new InvalidOperationException(
                $"{ScriptRelativePath} failed with exit code {result.ExitCode}; run it by hand to see the full log. " +
                $"Last lines of its output:\n{tail}");
        }

        return IOPath.Combine(root, "tests", "fixtures", "dist");
    }
}
