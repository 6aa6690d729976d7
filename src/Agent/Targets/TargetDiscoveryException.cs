namespace PypiForge.Agent.Targets;

/// <summary>
/// An interpreter could not be described as a build target. The message names the interpreter,
/// says what failed and what to do about it.
/// </summary>
public sealed class TargetDiscoveryException : Exception
{
    public TargetDiscoveryException()
    {
    }

    public TargetDiscoveryException(string message)
        : base(message)
    {
    }

    public TargetDiscoveryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The interpreter as it was given to discovery (a path or a name looked up on PATH).</summary>
    public string? Interpreter { get; init; }
}
