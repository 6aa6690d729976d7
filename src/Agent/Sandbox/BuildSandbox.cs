using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Agent.Pip;
using PypiForge.Agent.Targets;

namespace PypiForge.Agent.Sandbox;

/// <summary>
/// Wraps every process a build or a discovery starts in a bubblewrap sandbox: its own PID, IPC and UTS
/// namespaces; a read-only view of the system (or of the target's root filesystem) and of the
/// interpreter's own folders and nothing else of the host; one writable scratch folder; an
/// unprivileged user of its own with no capabilities and no_new_privs; limits on memory, processes,
/// file size; a lower CPU priority. When its first process ends, every process left in the sandbox is
/// killed with it (the PID namespace goes away).
/// </summary>
public sealed partial class BuildSandbox
{
    /// <summary>Where the scratch folder appears inside the sandbox.</summary>
    public const string InsideScratch = "/build";

    private const string RootSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // The host's /etc holds passwords, keys and configuration; a build sees only what programs need to run and reach the index.
    private static readonly string[] HostEtc =
    [
        "alternatives", "ca-certificates", "ca-certificates.conf", "debian_version", "gai.conf", "host.conf", "hosts",
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types", "nsswitch.conf", "os-release", "protocols",
        "resolv.conf", "services", "ssl",
    ];

    private static readonly string[] TemporaryFolders = ["/tmp", "/var/tmp"];

    private static readonly string[] SystemFolders = ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    private readonly AgentOptions options;
    private readonly SandboxUsers users;
    private readonly ILogger<BuildSandbox> logger;
    private readonly Lazy<Task<string?>> problem;

    public BuildSandbox(IOptions<AgentOptions> options, ILogger<BuildSandbox> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        users = new SandboxUsers(this.options.SandboxFirstUid, 1000);
        problem = new Lazy<Task<string?>>(ProbeAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SandboxMode Mode => options.Sandbox;

    public BuildLimits Limits => options.Limits;

    /// <summary>
    /// Null when sandboxes can be made here (checked once, by making one); otherwise why not and what to do.
    /// Always null with <see cref="SandboxMode.None"/>.
    /// </summary>
    public Task<string?> ProblemAsync() => Mode == SandboxMode.None ? Task.FromResult<string?>(null) : problem.Value;

    /// <summary>
    /// Makes a run's scratch folder usable by the run's own user. <paramref name="hostScratch"/> must be a fresh
    /// folder the agent made; everything under it is given to that user.
    /// </summary>
    public SandboxRun Begin(string hostScratch)
    {
        Directory.CreateDirectory(Path.Combine(hostScratch, "tmp"));
        if (Mode == SandboxMode.None)
            return new SandboxRun(hostScratch, hostScratch, null);

        var lease = Posix.IsRoot ? users.Take() : null;
        try
        {
            if (lease is not null)
            {
                foreach (var path in Directory.EnumerateFileSystemEntries(hostScratch, "*", SearchOption.AllDirectories).Prepend(hostScratch))
                    Posix.Chown(path, lease.Uid, lease.Uid);
            }

            // Others may pass through (bwrap enters it before it becomes the run's user, without capabilities); the folder above
            // it is the agent's own (0700), so no other user of the machine reaches it.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(hostScratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            return new SandboxRun(hostScratch, InsideScratch, lease);
        }
        catch
        {
            lease?.Dispose();
            throw;
        }
    }

    /// <summary>The command that runs <paramref name="interpreter"/> (a path as the environment sees it) with <paramref name="arguments"/>.</summary>
    /// <param name="environmentVariables">Variables the process gets besides the fixed ones (e.g. a build-scoped index URL).</param>
    public SandboxCommand Command(
        BuildEnvironment environment,
        string interpreter,
        IReadOnlyList<string> arguments,
        SandboxRun run,
        IReadOnlyDictionary<string, string>? environmentVariables = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(run);
        var extra = environmentVariables ?? new Dictionary<string, string>();
        if (Mode == SandboxMode.None)
        {
            if (environment.Root is not null)
                throw new InvalidOperationException($"A target in a root filesystem ({environment.Root}) needs Agent:Sandbox=Bubblewrap.");
            return new SandboxCommand(interpreter, arguments, ChildEnvironment.For(run.HostScratch, null, extra), run.HostScratch);
        }

        var path = environment.Root is null ? null : RootSearchPath;
        var wrapped = new List<string>();
        wrapped.AddRange(["-n", options.Limits.Nice.ToString(CultureInfo.InvariantCulture)]);
        if (options.Limits.IdleScheduling)
            wrapped.AddRange([Tool("chrt"), "--idle", "0"]);
        wrapped.AddRange([Tool("ionice"), "-c", "2", "-n", options.Limits.IoPriority.ToString(CultureInfo.InvariantCulture)]);
        wrapped.AddRange([Tool("prlimit"), .. Rlimits(options.Limits), "--"]);
        if (environment.Linux32)
            wrapped.AddRange([Tool("setarch"), "linux32", "--"]);
        wrapped.Add(Tool(options.Bubblewrap));
        wrapped.AddRange(BubblewrapArguments(environment, run));
        wrapped.Add("--");
        if (run.Uid is { } uid)
        {
            var id = uid.ToString(CultureInfo.InvariantCulture);
            // bwrap keeps only these three capabilities for setpriv, which drops them with the rest on the way to the user.
            wrapped.AddRange(["/usr/bin/setpriv", "--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]);
        }

        wrapped.Add(interpreter);
        wrapped.AddRange(arguments);
        if (options.Limits.Nice == 0)
        {
            return new SandboxCommand(Tool("nice"), wrapped, ChildEnvironment.For(InsideScratch, path, extra), run.HostScratch);
        }

        // Where the kernel groups processes by session for scheduling (autogroup, on by default on desktop and many server
        // kernels), a task's nice only ranks it inside its own session: a build in a session of its own (the agent starts
        // each one with setsid) would get as much CPU as the whole server, whatever its nice. The session's own nice
        // fixes that; it is set only by a session leader, so a build sharing the agent's session leaves the agent alone.
        return new SandboxCommand(Tool("sh"), ["-c", SessionNice, options.Limits.Nice.ToString(CultureInfo.InvariantCulture), Tool("nice"), .. wrapped],
            ChildEnvironment.For(InsideScratch, path, extra), run.HostScratch);
    }

    /// <summary>Sets the nice of the session's scheduling group (<c>/proc/self/autogroup</c>) to <c>$0</c> when this shell
    /// leads its session, then becomes the rest of its arguments. Silent where the kernel has no autogroups.</summary>
    internal const string SessionNice =
        """read -r _ _ _ _ _ session _ < /proc/self/stat; if [ "$session" = "$$" ]; then { echo "$0" > /proc/self/autogroup; } 2>/dev/null; fi; exec "$@" """;

    private List<string> BubblewrapArguments(BuildEnvironment environment, SandboxRun run)
    {
        var args = new List<string>
        {
            "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "pypiforge-build",
        };
        if (run.Uid is null)
            args.AddRange(["--unshare-user", "--cap-drop", "ALL"]);
        else
            args.AddRange(["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]);

        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        var system = environment.Root ?? "/";
        foreach (var name in SystemFolders)
        {
            var source = Path.Combine(system, name);
            var info = new FileInfo(source);
            if (info.LinkTarget is { } target)
                args.AddRange(["--symlink", target, "/" + name]);
            else if (Directory.Exists(source))
                args.AddRange(["--ro-bind", source, "/" + name]);
        }

        if (environment.Root is { } root)
        {
            args.AddRange(["--ro-bind", Path.Combine(root, "etc"), "/etc"]);
        }
        else
        {
            args.AddRange(["--perms", "0755", "--dir", "/etc"]);
            foreach (var name in HostEtc)
            {
                var source = Path.Combine("/etc", name);
                if (File.Exists(source) || Directory.Exists(source))
                    args.AddRange(["--ro-bind", source, source]);
            }

            // Debian's Python reads /etc/python3.X (sitecustomize).
            foreach (var python in Directory.EnumerateDirectories("/etc", "python*"))
                args.AddRange(["--ro-bind", python, python]);
            readOnly = AddReadOnly(args, environment.ReadOnlyPaths.Concat(options.SandboxReadOnlyPaths));
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        args.AddRange(["--bind", run.HostScratch, InsideScratch, "--chdir", InsideScratch]);
        // Temporary files count against the scratch limit like everything else the build writes (unless an interpreter lives
        // under /tmp, which then shows it read-only; TMPDIR still points into the scratch folder).
        foreach (var tmp in TemporaryFolders.Where(t => !readOnly.Contains(t)))
            args.AddRange(["--symlink", InsideScratch + "/tmp", tmp]);
        return args;
    }

    // Folders outside the system (a pyenv, a venv), at their own paths, with readable parents made for them.
    // Returns the folders made or shown, parents included.
    private static HashSet<string> AddReadOnly(List<string> args, IEnumerable<string> paths)
    {
        var wanted = paths.Where(static p => Directory.Exists(p) || File.Exists(p)).Select(static p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // A folder inside another listed one is already visible.
        var top = wanted.Where(p => !wanted.Any(other => other != p && IsUnder(p, other))).ToList();
        var made = new HashSet<string>(StringComparer.Ordinal) { "/", "/etc" };
        foreach (var path in top)
        {
            var parents = new List<string>();
            for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
                parents.Add(parent);
            parents.Reverse();
            foreach (var parent in parents.Where(made.Add))
                args.AddRange(["--perms", "0755", "--dir", parent]);
            args.AddRange(["--ro-bind", path, path]);
            made.Add(path);
        }

        return made;
    }

    /// <summary>Whether a host path is part of the system every host target sees anyway.</summary>
    public static bool IsSystemPath(string path) =>
        SystemFolders.Any(s => path == "/" + s || IsUnder(path, "/" + s)) || path == "/etc" || IsUnder(path, "/etc");

    private static bool IsUnder(string path, string folder) =>
        path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static IEnumerable<string> Rlimits(BuildLimits limits)
    {
        var memory = checked(limits.MemoryMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        var scratch = checked(limits.ScratchMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        return
        [
            $"--as={memory}",
            $"--nproc={limits.Processes.ToString(CultureInfo.InvariantCulture)}",
            $"--fsize={scratch}",
            "--core=0",
        ];
    }

    private static string Tool(string name) => ExecutableLocator.Find(name) ?? name;

    // Makes one sandbox around /usr/bin/true, as a build would, and reports what stopped it.
    private async Task<string?> ProbeAsync()
    {
        var missing = new[] { options.Bubblewrap, "prlimit", "nice", "ionice", "setarch", "sh", "chrt" }.Where(static t => ExecutableLocator.Find(t) is null).ToList();
        if (missing.Contains(options.Bubblewrap))
        {
            return $"bubblewrap ('{options.Bubblewrap}', Agent:Bubblewrap) is not installed or not on PATH. Install it (Debian: apt-get install bubblewrap), " +
                "or set Agent:Sandbox=None to build without a sandbox (only for trusted builds: setup.py then runs with the agent's rights).";
        }

        if (missing.Count > 0)
            return $"{string.Join(", ", missing)} not found on PATH; install util-linux and coreutils.";

        var scratch = Directory.CreateTempSubdirectory("pypiforge-sandbox-probe-").FullName;
        try
        {
            using var run = Begin(Path.Combine(scratch, "scratch"));
            var command = Command(BuildEnvironment.HostSystem, "/usr/bin/true", [], run);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var probe = Cli.Wrap(command.FileName)
                .WithArguments(command.Arguments)
                .WithEnvironmentVariables(command.Environment)
                .WithWorkingDirectory(command.WorkingDirectory)
                .WithValidation(CommandResultValidation.None);
            var result = await SpawnThread.Start(() => probe.ExecuteBufferedAsync(timeout.Token));
            if (result.ExitCode == 0)
            {
                LogSandboxReady(run.Uid is null ? "a user namespace with the agent's own user" : $"unprivileged users from uid {options.SandboxFirstUid}");
                return null;
            }

            return $"bubblewrap could not make a sandbox (exit code {result.ExitCode}): {result.StandardError.Trim()}. " +
                (Posix.IsRoot
                    ? "Check that the kernel allows mount, PID and IPC namespaces here (in a container: run it with --privileged or a seccomp profile that allows them). "
                    : "An agent that is not root needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0. ") +
                "Or set Agent:Sandbox=None to build without a sandbox (only for trusted builds).";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            return $"the build sandbox could not be tried: {ex.Message}";
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Build sandbox ready: bubblewrap, {Users}")]
    private partial void LogSandboxReady(string users);
}
