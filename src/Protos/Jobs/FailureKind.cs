namespace PypiForge.Protos.Jobs;

/// <summary>Why a target did not succeed, in one word a script can switch on (the target's one-line reason says it for
/// a person). Mirrors the API's <c>FailureKind</c>.</summary>
public enum FailureKind
{
    /// <summary>The target succeeded, is not finished, or nobody classified how it ended.</summary>
    None,

    /// <summary>The failure fits no kind below: read the log.</summary>
    Other,

    /// <summary>Not applicable: a requirement's Requires-Python excludes the target's Python.</summary>
    RequiresPython,

    /// <summary>pip found no distribution matching a requirement (for this Python).</summary>
    NoMatchingDistribution,

    /// <summary>pip could not install the build back-end (build-system requires) for this Python.</summary>
    BuildBackendUnavailable,

    /// <summary>A C header the build includes is missing on the build host or in its root.</summary>
    MissingHeader,

    /// <summary>The compiler is missing on the build host or in its root.</summary>
    CompilerMissing,

    /// <summary>Building a distribution failed: setup.py or the back-end exited with an error.</summary>
    BuildFailed,

    /// <summary>The build did not finish within its time (Agent:BuildTimeout).</summary>
    Timeout,

    /// <summary>A person cancelled the build.</summary>
    Cancelled,

    /// <summary>The agent holding the target stopped beating.</summary>
    AgentLost,

    /// <summary>An index or file host could not be reached or failed, after the agent's retries.</summary>
    Network,

    /// <summary>Wheels were built but not published (rejected, conflicting, or none made).</summary>
    Publish,
}
