namespace PypiForge.Agent.Tests.Support;

/// <summary>The real interpreters of this machine: python3 on PATH and pyenv's versions.</summary>
public static class Pythons
{
    /// <summary>pyenv's interpreter for a version prefix such as "3.10" or "2.7"; fails with a hint when missing.</summary>
    public static string Pyenv(string version)
    {
        var root = Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var versions = Path.Combine(root, "versions");
        var match = Directory.Exists(versions)
            ? Directory.GetDirectories(versions)
                .Where(dir => Path.GetFileName(dir).StartsWith(version + ".", StringComparison.Ordinal))
                .Select(dir => Path.Combine(dir, "bin", "python"))
                .FirstOrDefault(File.Exists)
            : null;
        return match ?? throw new InvalidOperationException(
            $"No pyenv Python {version} under {versions}. Install it with 'pyenv install {version}' (these tests build with real interpreters).");
    }
}
