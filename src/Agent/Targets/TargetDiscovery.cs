using System.ComponentModel;
using System.Text.Json;
using CliWrap;
using Microsoft.Extensions.Logging;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Sandbox;
using PypiForge.Packaging;

namespace PypiForge.Agent.Targets;

/// <summary>
/// Describes a Python interpreter as a build target by running it with a small script
/// (discover_target.py, embedded) that works on Python 2.7 and 3.x. The interpreter runs in the
/// build sandbox, as builds do: on the host's system or in the target's root filesystem.
/// </summary>
public sealed partial class TargetDiscovery(BuildSandbox sandbox, ILogger<TargetDiscovery> logger, TimeProvider? timeProvider = null)
{
    /// <summary>How long the interpreter gets to describe itself; importing pip takes about a second (ten times that under qemu).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const int MaxDescriptionLength = 4 * 1024 * 1024;
    private const int StderrLines = 20;
    private const int StderrLineLength = 500;
    private const int QuotedOutputLength = 300;

    private static readonly Lazy<string> Script = new(LoadScript);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Runs a host interpreter (a path, or a name looked up on PATH such as <c>python3</c>) and
    /// describes it: its real path, version, the tag of the platform wheels it builds and the
    /// tags its pip installs.
    /// </summary>
    /// <exception cref="TargetDiscoveryException">The interpreter is missing, fails, or is not a usable Python.</exception>
    public Task<BuildTarget> DiscoverAsync(string interpreter, CancellationToken cancellationToken) =>
        DiscoverAsync(interpreter, null, cancellationToken);

    /// <summary>
    /// Describes an interpreter in a root filesystem (<paramref name="root"/>, with <paramref name="interpreter"/> an
    /// absolute path as the root sees it), or on the host when <paramref name="root"/> is null.
    /// </summary>
    /// <exception cref="TargetDiscoveryException">The root or interpreter is missing, cannot run here, or is not a usable Python.</exception>
    public async Task<BuildTarget> DiscoverAsync(string interpreter, string? root, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(interpreter);
        var (path, environment) = root is null ? Host(interpreter) : InRoot(interpreter, root);

        var work = Directory.CreateTempSubdirectory("pypiforge-discovery-").FullName;
        try
        {
            using var run = sandbox.Begin(Path.Combine(work, "scratch"));
            var output = await RunAsync(interpreter, path, environment, run, cancellationToken);
            var target = Describe(interpreter, path, environment, output);
            var where = target.Environment.Describe();
            LogDiscovered(target.Name, target.Interpreter, target.PythonVersion, target.Supported.Count, where);
            return target;
        }
        finally
        {
            TryDelete(work);
        }
    }

    private static (string Path, BuildEnvironment Environment) Host(string interpreter)
    {
        var path = ExecutableLocator.Find(interpreter) ?? throw Fail(interpreter, NotFound(interpreter));
        var machine = ElfMachine.Read(RealPath(path)) ?? ElfMachine.Host;
        return (path, new BuildEnvironment(null, machine, [.. Folders(path)]));
    }

    private static (string Path, BuildEnvironment Environment) InRoot(string interpreter, string root)
    {
        var found = RootInterpreter.Inspect(root, interpreter);
        return found.Problem switch
        {
            RootInterpreterProblem.None => (interpreter, new BuildEnvironment(root, found.Machine!, [])),
            RootInterpreterProblem.RootMissing => throw Fail(interpreter, $"the root filesystem {root} does not exist. Make one with scripts/make-build-root.sh --arch ARCH {root}."),
            RootInterpreterProblem.InterpreterRelative => throw Fail(interpreter, $"in a root filesystem the interpreter must be an absolute path as the root sees it, e.g. /usr/bin/python3, not '{interpreter}'."),
            RootInterpreterProblem.InterpreterMissing => throw Fail(interpreter, $"{root} has no {interpreter}. Install Python in the root (chroot {root} apt-get install python3 python3-pip python3-venv) or configure another interpreter."),
            RootInterpreterProblem.InterpreterIsFolder => throw Fail(interpreter, $"{interpreter} in {root} is a folder, not an interpreter."),
            RootInterpreterProblem.NotAProgram => throw Fail(interpreter, $"{interpreter} in {root} ({RootPath.Inside(root, found.Resolved!)}) is not a program (no ELF header); configure the interpreter itself, not a script."),
            _ => throw Fail(interpreter, $"{root} holds {found.Machine} programs, but {found.Emulator}"),
        };
    }

    // The folders a host interpreter runs from besides the system: the prefix above its bin folder (or a pyenv above its
    // shims; else the interpreter's own folder), for the path as configured (a venv, a pyenv shim) and for the real file it leads to.
    private static IEnumerable<string> Folders(string path) =>
        new[] { path, RealPath(path) }
            .Where(static p => !BuildSandbox.IsSystemPath(p))
            .Select(static p => Path.GetDirectoryName(p) is { } folder && Path.GetFileName(folder) is "bin" or "shims" ? Path.GetDirectoryName(folder) : Path.GetDirectoryName(p))
            .OfType<string>()
            .Where(static p => p != "/")
            .Distinct(StringComparer.Ordinal);

    private static string RealPath(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private async Task<string> RunAsync(string interpreter, string path, BuildEnvironment environment, SandboxRun run, CancellationToken cancellationToken)
    {
        string? lastLine = null;
        var stderr = new LineTail(StderrLines, StderrLineLength);
        var sandboxed = sandbox.Command(environment, path, ["-c", Script.Value], run);
        var command = Cli.Wrap(sandboxed.FileName)
            .WithArguments(sandboxed.Arguments)
            .WithWorkingDirectory(sandboxed.WorkingDirectory)
            .WithEnvironmentVariables(sandboxed.Environment)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(LinePipeTarget.Create(
                line => lastLine = string.IsNullOrWhiteSpace(line) ? lastLine : line, MaxDescriptionLength))
            .WithStandardErrorPipe(LinePipeTarget.Create(stderr.Add, StderrLineLength))
            .WithValidation(CommandResultValidation.None);

        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        CommandResult result;
        try
        {
            // Forceful cancellation: CliWrap kills the process tree, and the sandbox's processes die with it.
            result = await SpawnThread.Start(() => command.ExecuteAsync(linked.Token));
        }
        catch (Win32Exception ex)
        {
            throw Fail(interpreter, $"{sandboxed.FileName} could not be started ({ex.InnerException?.Message ?? ex.Message}). " +
                "Check that it is an executable Python interpreter.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(interpreter, $"{path} did not describe itself within {Timeout.TotalSeconds:F0} s and was killed. " +
                "Check that it is a Python interpreter and that it starts when run by hand.", ex);
        }

        if (result.ExitCode != 0)
        {
            throw Fail(interpreter, $"{path} exited with code {result.ExitCode} instead of describing itself, so it is " +
                $"not a working Python interpreter{Where(environment)}. {Stderr(stderr)}{Hint(stderr, environment)}Run it by hand, or configure another interpreter.");
        }

        return lastLine ?? throw Fail(interpreter, $"{path} exited without printing anything, so it is not a Python " +
            $"interpreter. {Stderr(stderr)}Configure the path of a Python interpreter.");
    }

    private static string Where(BuildEnvironment environment) =>
        environment.Root is null ? " in the build sandbox" : $" in {environment.Describe()}";

    private static string Hint(LineTail stderr, BuildEnvironment environment) =>
        stderr.Lines().Any(static l => l.Contains("Exec format error", StringComparison.Ordinal))
            ? $"This kernel cannot run {environment.Machine} programs: run 'scripts/make-build-root.sh --arch {environment.Machine.DebianArch} " +
              $"{environment.Root ?? "DIR"}' to register qemu-user for them. "
            : string.Empty;

    private BuildTarget Describe(string interpreter, string path, BuildEnvironment environment, string output)
    {
        Description? description;
        try
        {
            description = JsonSerializer.Deserialize<Description>(output, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw Fail(interpreter, $"{path} printed '{Quote(output)}' instead of a target description, so it is not a " +
                "Python interpreter (or its site customization prints to stdout). Configure the path of a Python interpreter.", ex);
        }

        if (description is not { Version: { } version, Interpreter: { } python, Abi: { } abi, Platform: { } platform }
            || !WheelTag.TryParse($"{python}-{abi}-{platform}", out var tag))
        {
            throw Fail(interpreter, $"{path} printed an incomplete or invalid target description '{Quote(output)}'. " +
                "Report this with the interpreter's version.");
        }

        if (PlatformMachine.Mismatch(platform, description.Program) is { } mismatch)
            throw Fail(interpreter, $"{path} (Python {version}) cannot build the wheels it names: {mismatch}");

        if (description.Pip is null)
        {
            throw Fail(interpreter, $"{path} (Python {version}) cannot import pip, which builds the wheels. " +
                $"Install it with '{path} -m ensurepip' or configure another interpreter.");
        }

        string name;
        try
        {
            name = BuildTarget.NameFor(tag);
        }
        catch (ArgumentException ex)
        {
            throw Fail(interpreter, $"{path} builds wheels tagged {tag}. {ex.Message} Configure another interpreter.", ex);
        }

        // In a root the configured path is the one that surely works there (under qemu sys.executable can be the emulator's view).
        var executable = environment.Root is null && description.Executable is { Length: > 0 } real && Path.IsPathFullyQualified(real) ? real : path;
        if (environment.Root is null)
        {
            var folders = Folders(executable).Concat((description.Prefixes ?? []).Where(static p => Path.IsPathFullyQualified(p) && !BuildSandbox.IsSystemPath(p) && p != "/"));
            environment = environment with { ReadOnlyPaths = [.. folders.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] };
        }

        return new BuildTarget(name, executable, version, tag, SupportedTags(tag, description)) { PipVersion = description.Pip, Environment = environment };
    }

    private WheelTag[] SupportedTags(WheelTag tag, Description description)
    {
        var supported = (description.Supported ?? [])
            .Select(text => WheelTag.TryParse(text, out var parsed) ? parsed : null)
            .OfType<WheelTag>()
            .Distinct()
            .ToArray();
        if (supported.Length > 0)
            return supported;

        // pip's tag API is internal and has moved before; without it, accept what surely fits.
        LogNoSupportedTags(tag.ToString(), description.Pip ?? "?");
        var version = tag.Interpreter.Length > 2 ? tag.Interpreter[2..] : string.Empty;
        WheelTag[] fallback = version.Length == 0
            ? [tag, new WheelTag(tag.Interpreter, "none", "any")]
            : [tag, new WheelTag(tag.Interpreter, "none", "any"), new WheelTag($"py{version}", "none", "any"), new WheelTag($"py{version[..1]}", "none", "any")];
        return fallback;
    }

    private static string NotFound(string interpreter) =>
        interpreter.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? $"{Path.GetFullPath(interpreter)} does not exist or is not executable. Install Python there or configure the right path."
            : $"no executable named '{interpreter}' in any PATH directory ({string.Join(Path.PathSeparator, ExecutableLocator.SearchPath())}). " +
              "Install it, add its directory to PATH, or configure the interpreter's full path.";

    private static TargetDiscoveryException Fail(string interpreter, string what, Exception? inner = null) =>
        new($"Build target discovery for interpreter '{interpreter}' failed: {what}", inner) { Interpreter = interpreter };

    private static string Stderr(LineTail stderr) =>
        stderr.Lines() is { Count: > 0 } lines ? $"Its error output ends with:\n{string.Join('\n', lines)}\n" : "It printed no error. ";

    private static string Quote(string output) =>
        output.Length <= QuotedOutputLength ? output : output[..QuotedOutputLength] + "...";

    private static string LoadScript()
    {
        const string Name = "PypiForge.Agent.Targets.discover_target.py";
        using var stream = typeof(TargetDiscovery).Assembly.GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"The embedded resource {Name} is missing from {typeof(TargetDiscovery).Assembly}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing discovery for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // The JSON line discover_target.py prints.
    private sealed record Description(
        string? Executable, string? Version, string? Interpreter, string? Abi, string? Platform,
        string[]? Supported, string? SupportedSource, string? Pip, string[]? Prefixes, string? Program);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Build target {Target}: {Interpreter} (Python {Version}) on {Environment}, {SupportedCount} supported tags")]
    private partial void LogDiscovered(string target, string interpreter, string version, int supportedCount, string environment);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "pip {PipVersion} of build target {Target} did not list its supported tags; assuming the target's own tag and pure wheels only")]
    private partial void LogNoSupportedTags(string target, string pipVersion);
}
