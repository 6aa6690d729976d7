namespace PypiForge.Server.Builds;

/// <summary>What became of a <see cref="BuildRequest"/>: accepted (a new build, or the one an identical request or the
/// same idempotency key made), or refused for a reason a person can act on. Expected refusals are values, not
/// exceptions; the gRPC adapter maps each to its status code.</summary>
public abstract record ScheduleResult
{
    private ScheduleResult()
    {
    }

    /// <summary>Why the request was refused, or null when it was accepted.</summary>
    public abstract string? Refusal { get; }

    /// <summary>The build that serves the request (new, or the one already serving an identical request).</summary>
    public sealed record Accepted(BuildSnapshot Build) : ScheduleResult
    {
        public override string? Refusal => null;
    }

    /// <summary>The requirements are empty, too many, or not PEP 508.</summary>
    public sealed record Invalid(string Reason) : ScheduleResult
    {
        public override string? Refusal => Reason;
    }

    /// <summary>No live agent serves any target, so nothing could build.</summary>
    public sealed record NoAgents(string Reason) : ScheduleResult
    {
        public override string? Refusal => Reason;
    }

    /// <summary>A named target is not served by any live agent.</summary>
    public sealed record UnknownTarget(IReadOnlyList<string> Unknown, string Reason) : ScheduleResult
    {
        public override string? Refusal => Reason;
    }

    /// <summary>Every requested target's Python is outside what a requirement's releases support (Requires-Python):
    /// nothing would build. The reason names the releases' Requires-Python and the targets' Pythons.</summary>
    public sealed record NotApplicable(string Reason) : ScheduleResult
    {
        public override string? Refusal => Reason;
    }

    /// <summary>The queue or the build store failed; nothing was queued, a later request may work.</summary>
    public sealed record NotQueued(string Reason) : ScheduleResult
    {
        public override string? Refusal => Reason;
    }
}
