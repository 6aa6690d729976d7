using System.Collections;

namespace PypiForge.Agent.Pip;

/// <summary>
/// The environment of every Python process the agent starts, built from scratch: the agent's
/// own environment holds PIP_* settings, a global pip.conf, credentials and tokens, none of
/// which a build may see or depend on.
/// </summary>
internal static class ChildEnvironment
{
    private const string FallbackPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>
    /// Variables for CliWrap: a null value removes an inherited variable, so every variable of
    /// this process is listed as null except the few a build needs, which are set explicitly.
    /// </summary>
    /// <param name="home">HOME of the child, whose tmp folder is its TMPDIR: a fresh directory it may write to, as the child sees it.</param>
    /// <param name="path">PATH of the child; null: this process's PATH (a host target).</param>
    /// <param name="extra">Further variables, e.g. a build-scoped index URL.</param>
    public static IReadOnlyDictionary<string, string?> For(string home, string? path = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry inherited in Environment.GetEnvironmentVariables())
            environment[(string)inherited.Key] = null;

        foreach (var (name, value) in Variables(home, path))
            environment[name] = value;
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            environment[name] = value;
        return environment;
    }

    /// <summary>The variables the child gets, and nothing else.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Variables(string home, string? path = null)
    {
        var hostPath = Environment.GetEnvironmentVariable("PATH");
        yield return new("PATH", path ?? (string.IsNullOrWhiteSpace(hostPath) ? FallbackPath : hostPath));
        yield return new("LANG", "C.UTF-8");
        yield return new("LC_ALL", "C.UTF-8");
        yield return new("HOME", home);
        yield return new("TMPDIR", home.TrimEnd('/') + "/tmp");
        yield return new("USER", "pypiforge-build");
        yield return new("LOGNAME", "pypiforge-build");
        // os.devnull as the config file makes pip skip the global, user and site files too.
        yield return new("PIP_CONFIG_FILE", "/dev/null");
        yield return new("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        yield return new("PIP_NO_INPUT", "1");
        yield return new("PYTHONDONTWRITEBYTECODE", "1");
        yield return new("PYTHONUNBUFFERED", "1");
        // Python 2 writes ASCII to a pipe and fails on the first non-ASCII name in a log line.
        yield return new("PYTHONIOENCODING", "utf-8:backslashreplace");
    }
}
