using Microsoft.Extensions.Options;
using PypiForge.Agent.Sandbox;

namespace PypiForge.Agent.Building;

/// <summary>
/// Checks the agent's settings at start-up, each message naming its key: limits in range, and for
/// every target in a root filesystem, that the root and its interpreter exist and that this machine
/// can run the root's architecture. (Whether an interpreter works is found by running it, later.)
/// </summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Sandbox))
            failures.Add($"Agent:Sandbox is '{options.Sandbox}'; use Bubblewrap (the default) or None.");
        if (string.IsNullOrWhiteSpace(options.Bubblewrap))
            failures.Add("Agent:Bubblewrap is empty; give the bubblewrap executable (default: bwrap).");
        if (options.SandboxFirstUid is < 1000 or > 2_000_000_000)
            failures.Add($"Agent:SandboxFirstUid is {options.SandboxFirstUid}; use an unused uid range start from 1000 up (default 63000).");
        if (options.WorkerCount is < 1 or > 256)
            failures.Add($"Agent:WorkerCount is {options.WorkerCount}; use 1 to 256.");
        if (options.BuildTimeout <= TimeSpan.Zero || options.BuildTimeout > TimeSpan.FromDays(7))
            failures.Add($"Agent:BuildTimeout is {options.BuildTimeout}; use a value from 00:00:01 to 7.00:00:00 (e.g. 00:30:00).");
        if (options.TransientRetries is < 0 or > 10)
            failures.Add($"Agent:TransientRetries is {options.TransientRetries}; use 0 (never run pip again) to 10 (default 3).");
        if (options.TransientRetryDelay < TimeSpan.FromSeconds(1) || options.TransientRetryDelay > TimeSpan.FromMinutes(10))
            failures.Add($"Agent:TransientRetryDelay is {options.TransientRetryDelay}; use 00:00:01 to 00:10:00 (default 00:00:15, doubled before each further run).");

        var limits = options.Limits;
        if (limits.MemoryMiB is < 64 or > 16L * 1024 * 1024)
            failures.Add($"Agent:Limits:MemoryMiB is {limits.MemoryMiB}; use at least 64 (MiB of address space per process, default 8192).");
        if (limits.Processes is < 8 or > 1_000_000)
            failures.Add($"Agent:Limits:Processes is {limits.Processes}; use at least 8 (default 512).");
        if (limits.ScratchMiB is < 16 or > 1024L * 1024 * 1024)
            failures.Add($"Agent:Limits:ScratchMiB is {limits.ScratchMiB}; use at least 16 (default 10240).");
        if (limits.Nice is < 0 or > 19)
            failures.Add($"Agent:Limits:Nice is {limits.Nice}; use 0 (same priority as the server) to 19 (lowest), default 10.");
        if (limits.IoPriority is < 0 or > 7)
            failures.Add($"Agent:Limits:IoPriority is {limits.IoPriority}; use 0 (highest) to 7 (lowest) of the best-effort I/O class (a normal process has 4), default 7.");
        if (limits.ScratchCheckInterval < TimeSpan.FromMilliseconds(100) || limits.ScratchCheckInterval > TimeSpan.FromMinutes(5))
            failures.Add($"Agent:Limits:ScratchCheckInterval is {limits.ScratchCheckInterval}; use 00:00:00.1 to 00:05:00.");

        for (var i = 0; i < options.ExtraIndexUrls.Count; i++)
        {
            var url = options.ExtraIndexUrls[i];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                failures.Add($"Agent:ExtraIndexUrls:{i} is '{url}'; give an absolute http(s) URL of a simple index, e.g. https://example.org/simple/.");
        }

        foreach (var path in options.SandboxReadOnlyPaths)
        {
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
                failures.Add($"Agent:SandboxReadOnlyPaths holds '{path}'; give absolute paths.");
        }

        for (var i = 0; i < options.Targets.Count; i++)
            failures.AddRange(TargetProblems($"Agent:Targets:{i}", options.Targets[i], options.Sandbox));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> TargetProblems(string key, TargetOptions target, SandboxMode sandbox)
    {
        if (string.IsNullOrWhiteSpace(target.Root))
        {
            yield return $"{key}:Root is missing; give the root filesystem the target builds in (make one with scripts/make-build-root.sh), " +
                "or list a host interpreter under Agent:Interpreters instead.";
            yield break;
        }

        var found = RootInterpreter.Inspect(target.Root, target.Interpreter ?? string.Empty);
        if (found.Problem == RootInterpreterProblem.RootMissing)
        {
            yield return $"{key}:Root is '{target.Root}', which is not an existing folder (an absolute path). " +
                $"Make the root with: scripts/make-build-root.sh --arch i386|arm64|armhf --suite bookworm {target.Root}";
            yield break;
        }

        if (sandbox == SandboxMode.None)
        {
            yield return $"{key}:Root needs the build sandbox, which runs the root's programs; remove Agent:Sandbox=None.";
            yield break;
        }

        var problem = found.Problem switch
        {
            RootInterpreterProblem.None => null,
            RootInterpreterProblem.InterpreterRelative =>
                $"{key}:Interpreter is '{target.Interpreter}'; give the interpreter's absolute path as the root sees it, e.g. /usr/bin/python3.",
            RootInterpreterProblem.InterpreterMissing or RootInterpreterProblem.InterpreterIsFolder =>
                $"{key}:Interpreter is {target.Interpreter}, which {target.Root} does not have. Install it in the root " +
                $"(chroot {target.Root} apt-get install python3 python3-pip python3-venv python3-dev gcc) or give another path.",
            RootInterpreterProblem.NotAProgram =>
                $"{key}:Interpreter {target.Interpreter} in {target.Root} is not a program (no ELF header); give the interpreter itself.",
            _ => $"{key}:Root {target.Root} holds {found.Machine} programs, but {found.Emulator}",
        };
        if (problem is not null)
            yield return problem;
    }
}
