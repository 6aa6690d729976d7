using IOPath = System.IO.Path;

namespace PypiForge.Server.Tests.Support;

/// <summary>
/// A real CPython a test runs clients with. <see cref="Path"/> is the interpreter itself, never
/// a pyenv shim: a shim picks its Python from the working directory and PYENV_VERSION.
/// </summary>
public sealed record PythonInterpreter(string Path, string Version)
{
    private static readonly Lazy<PythonInterpreter> SystemInterpreter =
        new(ResolveSystem, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The <c>python3</c> on PATH, the interpreter the embedded agent builds with.</summary>
    public static PythonInterpreter System => SystemInterpreter.Value;

    /// <summary>Tag of this interpreter's CPython wheels, e.g. <c>cp311</c> for 3.11.7.</summary>
    public string CpythonTag
    {
        get
        {
            var parts = Version.Split('.');
            return $"cp{parts[0]}{parts[1]}";
        }
    }

    /// <summary>
    /// The newest pyenv CPython whose version is <paramref name="versionPrefix"/> or starts with
    /// it followed by a dot: "3.1" never matches 3.11.
    /// </summary>
    public static PythonInterpreter Pyenv(string versionPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(versionPrefix);
        var versionsDir = IOPath.Combine(PyenvRoot(), "versions");
        var installed = Directory.Exists(versionsDir)
            ? Directory.GetDirectories(versionsDir).Select(IOPath.GetFileName).OfType<string>().ToArray()
            : [];
        var match = installed
            .Where(name => name == versionPrefix || name.StartsWith(versionPrefix + ".", StringComparison.Ordinal))
            .Where(name => File.Exists(IOPath.Combine(versionsDir, name, "bin", "python")))
            .OrderByDescending(name => global::System.Version.TryParse(name, out var v) ? v : new global::System.Version(0, 0))
            .FirstOrDefault();
        if (match is null)
        {
            var found = installed.Length == 0 ? "none" : string.Join(", ", installed.Order(StringComparer.Ordinal));
            throw new InvalidOperationException(
                $"No pyenv Python {versionPrefix}.x under {versionsDir} (installed: {found}). " +
                $"Install one with `pyenv install {versionPrefix}`.");
        }

        return new PythonInterpreter(IOPath.Combine(versionsDir, match, "bin", "python"), match);
    }

    private static string PyenvRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PYENV_ROOT");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;

        // `pyenv root` honours the same settings pyenv itself uses; ~/.pyenv is its default.
        if (FindOnPath("pyenv") is { } pyenv)
        {
            var result = RunBlocking(pyenv, ["root"]);
            var root = result.StdOut.Trim();
            if (result.ExitCode == 0 && root.Length > 0)
                return root;
        }

        return IOPath.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
    }

    private static PythonInterpreter ResolveSystem()
    {
        var python3 = FindOnPath("python3")
            ?? throw new InvalidOperationException("python3 is not on PATH; install python3 to run the client tests.");
        var result = RunBlocking(python3, ["-c", "import platform, sys; print(sys.executable); print(platform.python_version())"]);

        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (result.ExitCode != 0 || lines.Length < 2)
            throw new InvalidOperationException($"python3 did not report its executable and version: {result}");

        return new PythonInterpreter(lines[0], lines[1]);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(IOPath.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => IOPath.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    // Resolution happens in property getters; Task.Run keeps the blocking wait off any
    // synchronization context the test runner installs.
    private static ProcessResult RunBlocking(string executable, string[] args) =>
        Task.Run(() => PythonClient.RunAsync(executable, args, timeout: TimeSpan.FromSeconds(30)))
            .GetAwaiter().GetResult();
}
