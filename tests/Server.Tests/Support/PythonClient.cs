using System.Collections;
using System.Text;
using CliWrap;

namespace PypiForge.Server.Tests.Support;

/// <summary>
/// Runs real Python clients (pip, twine, python itself) from tests, in an environment that
/// only the test controls. The machines here set PIP_FIND_LINKS, PIP_DEFAULT_TIMEOUT,
/// PIP_CERT and a global pip.conf; any of them would let pip find packages PypiForge never
/// served, or wait minutes for an index that is meant to fail.
/// </summary>
public static class PythonClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Runs <paramref name="executable"/> with an argument array (never a shell). A non-zero exit
    /// code is returned, not thrown; a process that outlives <paramref name="timeout"/> (120 s by
    /// default) is killed with its children and a <see cref="TimeoutException"/> carries its output.
    /// <paramref name="extraEnv"/> is applied last; a null value removes the variable.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string executable,
        IEnumerable<string> args,
        string? workingDir = null,
        IReadOnlyDictionary<string, string?>? extraEnv = null,
        TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        ArgumentNullException.ThrowIfNull(args);
        var arguments = args.ToArray();
        var limit = timeout ?? DefaultTimeout;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        var command = Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDir ?? Directory.GetCurrentDirectory())
            .WithEnvironmentVariables(ControlledEnvironment(extraEnv))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(limit);
        try
        {
            var result = await command.ExecuteAsync(timeoutCts.Token);
            return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"`{executable} {string.Join(' ', arguments)}` was still running after {limit.TotalSeconds:0.#} s " +
                $"and was killed.\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }
    }

    /// <summary>
    /// Creates a virtual environment at <paramref name="dir"/> and returns its python. Uses the
    /// venv module; Python 2 has none, so there only an installed virtualenv will do.
    /// </summary>
    public static async Task<string> CreateVenvAsync(PythonInterpreter python, string dir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(python);
        ArgumentException.ThrowIfNullOrEmpty(dir);

        string module;
        if ((await RunAsync(python.Path, ["-c", "import venv"], ct: ct)).ExitCode == 0)
            module = "venv";
        else if ((await RunAsync(python.Path, ["-c", "import virtualenv"], ct: ct)).ExitCode == 0)
            module = "virtualenv";
        else
            throw new NotSupportedException(
                $"Python {python.Version} ({python.Path}) has neither the venv module nor virtualenv, " +
                "so it cannot create a virtual environment; install into a directory with `pip install --target` instead.");

        var result = await RunAsync(python.Path, ["-m", module, dir], ct: ct);
        var venvPython = Path.Combine(Path.GetFullPath(dir), "bin", "python");
        if (result.ExitCode != 0 || !File.Exists(venvPython))
            throw new InvalidOperationException($"`{python.Path} -m {module} {dir}` failed: {result}");

        return venvPython;
    }

    /// <summary>
    /// <c>python -m pip args</c> in the controlled environment. Passing <c>--no-cache-dir</c> is the
    /// caller's job: PIP_NO_CACHE_DIR means opposite things to old and new pips.
    /// </summary>
    public static Task<ProcessResult> PipAsync(string python, params string[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(python);
        ArgumentNullException.ThrowIfNull(args);
        return RunAsync(python, ["-m", "pip", .. args]);
    }

    /// <summary>
    /// The inherited environment minus every PIP_* variable and anything that redirects Python's
    /// imports, plus the settings that keep pip quiet, offline from its own config and non-interactive.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ControlledEnvironment(
        IReadOnlyDictionary<string, string?>? extraEnv = null)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith("PIP_", StringComparison.Ordinal))
                env[name] = null;
        }

        env["PYTHONPATH"] = null;
        env["PYTHONHOME"] = null;
        // os.devnull is pip's documented switch for "load no configuration file at all".
        env["PIP_CONFIG_FILE"] = "/dev/null";
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        // A prompt for credentials would otherwise hang until the timeout.
        env["PIP_NO_INPUT"] = "1";
        env["PYTHONDONTWRITEBYTECODE"] = "1";
        // Packages in ~/.local would be importable by interpreters outside a venv.
        env["PYTHONNOUSERSITE"] = "1";

        if (extraEnv is not null)
        {
            foreach (var (name, value) in extraEnv)
                env[name] = value;
        }

        return env;
    }
}
