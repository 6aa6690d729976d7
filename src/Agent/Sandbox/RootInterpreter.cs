namespace PypiForge.Agent.Sandbox;

/// <summary>What is wrong, if anything, with an interpreter in a root filesystem.</summary>
public enum RootInterpreterProblem
{
    None,
    RootMissing,
    InterpreterRelative,
    InterpreterMissing,
    InterpreterIsFolder,
    NotAProgram,
    NoEmulator,
}

/// <summary>
/// The one check of a target in a root filesystem, made by start-up validation (messages naming keys) and by discovery
/// (messages naming the interpreter) alike: the root exists, the interpreter resolves inside it to an ELF program, and
/// this machine can run that program's architecture.
/// </summary>
/// <param name="Resolved">The interpreter's host path, once resolved inside the root.</param>
/// <param name="Machine">Its architecture, once read.</param>
/// <param name="Emulator">With <see cref="RootInterpreterProblem.NoEmulator"/>: what is wrong with qemu-user here and what to run.</param>
public sealed record RootInterpreter(RootInterpreterProblem Problem, string? Resolved, ElfMachine? Machine, string? Emulator)
{
    public static RootInterpreter Inspect(string root, string interpreter)
    {
        if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root) || !Directory.Exists(root))
            return new(RootInterpreterProblem.RootMissing, null, null, null);
        if (string.IsNullOrWhiteSpace(interpreter) || !interpreter.StartsWith('/'))
            return new(RootInterpreterProblem.InterpreterRelative, null, null, null);
        var resolved = RootPath.Resolve(root, interpreter);
        if (resolved is null)
            return new(RootInterpreterProblem.InterpreterMissing, null, null, null);
        if (!File.Exists(resolved))
            return new(RootInterpreterProblem.InterpreterIsFolder, resolved, null, null);
        var machine = ElfMachine.Read(resolved);
        if (machine is null)
            return new(RootInterpreterProblem.NotAProgram, resolved, null, null);
        return machine.IsForeignOn(ElfMachine.Host) && Binfmt.Problem(machine, machine.DebianArch) is { } emulator
            ? new(RootInterpreterProblem.NoEmulator, resolved, machine, emulator)
            : new(RootInterpreterProblem.None, resolved, machine, null);
    }
}
