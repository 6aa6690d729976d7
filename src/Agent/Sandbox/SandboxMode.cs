namespace PypiForge.Agent.Sandbox;

/// <summary>How an agent isolates the code a build runs (setup.py, build back-ends). Agent:Sandbox.</summary>
public enum SandboxMode
{
    /// <summary>Every pip and discovery run in a bubblewrap sandbox; the agent refuses to build when it cannot make one.</summary>
    Bubblewrap,

    /// <summary>No isolation: builds run with the agent's rights. Only for machines that run nothing but trusted builds.</summary>
    None,
}
