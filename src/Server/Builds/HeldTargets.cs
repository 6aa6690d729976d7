using Grpc.Core;

namespace PypiForge.Server.Builds;

/// <summary>Finds the target a remote agent reports on and checks that the agent holds it: the target is running and
/// the call carries the claim its BeginTarget returned. Another agent's token, even one with the "agent" permission,
/// cannot log to, publish for or end a target it did not begin. Refusals are gRPC errors: only the agent service and
/// the wheel receiver ask.</summary>
public sealed class HeldTargets(BuildRecords records)
{
    internal TargetHold.Held Require(string buildId, string target, string? claim) => records.Hold(buildId, target, claim) switch
    {
        TargetHold.Held held => held,
        TargetHold.NoBuild => throw Fail(StatusCode.NotFound, $"No build with id '{Printable(buildId)}' on this server."),
        TargetHold.NoTarget refusal => throw Fail(StatusCode.NotFound, $"Build {refusal.BuildId} has no target '{Printable(target)}'."),
        TargetHold.NotRunning refusal => throw Fail(StatusCode.FailedPrecondition,
            $"Build {refusal.BuildId} is {refusal.State} for {target}, not running; nothing more is taken for it."),
        TargetHold.NotHeld refusal => throw Fail(StatusCode.PermissionDenied,
            $"This agent does not hold build {refusal.BuildId} for {target}: the call carries {(string.IsNullOrEmpty(claim) ? "no claim" : "a claim that is not the current one")}. "
            + "Only the agent whose BeginTarget returned the claim reports on the target (another BeginTarget for it replaces the claim)."),
        _ => throw new InvalidOperationException("Unknown hold result."),
    };

    private static RpcException Fail(StatusCode code, string message) => new(new Status(code, message));

    private static string Printable(string text) =>
        new([.. text.Take(120).Select(static c => char.IsControl(c) ? '?' : c)]);
}
