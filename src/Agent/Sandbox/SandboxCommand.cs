namespace PypiForge.Agent.Sandbox;

/// <summary>A process to start on the host, ready for CliWrap: the sandbox's wrappers, then the interpreter and its arguments.</summary>
/// <param name="FileName">The first program (nice, or the interpreter itself without a sandbox).</param>
/// <param name="Environment">Every variable of the agent set to null except those the child gets.</param>
/// <param name="WorkingDirectory">A host folder to start in.</param>
public sealed record SandboxCommand(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string WorkingDirectory);
