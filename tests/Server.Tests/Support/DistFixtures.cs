using IODirectory = System.IO.Directory;
using IOPath = System.IO.Path;

namespace PypiForge.Server.Tests.Support;

/// <summary>
/// The real wheels and sdists built by tests/fixtures/make-dists.sh (pf-pure 1.0 and 2.0,
/// pf-cext, Dotted.Name_Pkg, pf-dep). The script runs once per test process and is a no-op
/// when its stamp is current, so every test may ask for the files without cost.
/// </summary>
public static class DistFixtures
{
    private const string ScriptRelativePath = "tests/fixtures/make-dists.sh";
    private const int OutputTailLines = 40;

    private static readonly Lazy<string> Root = new(FindRepositoryRoot, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The directory holding PypiForge.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Absolute path of tests/fixtures/dist, built and up to date.</summary>
    public static string Directory => Built.Value;

    /// <summary>Absolute path of one built distribution; throws if the build did not produce it.</summary>
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

    private static string Build()
    {
        var root = RepositoryRoot;
        var script = IOPath.Combine(root, ScriptRelativePath);
        // Cold builds take ~15 s; the generous limit covers a slow machine compiling pf-cext.
        var result = Task.Run(() => PythonClient.RunAsync("bash", [script], root, timeout: TimeSpan.FromMinutes(5)))
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            var tail = string.Join('\n', result.Combined.TrimEnd().Split('\n').TakeLast(OutputTailLines));
            throw new InvalidOperationException(
                $"{ScriptRelativePath} failed with exit code {result.ExitCode}; run it by hand to see the full log. " +
                $"Last lines of its output:\n{tail}");
        }

        return IOPath.Combine(root, "tests", "fixtures", "dist");
    }
}
