using Grpc.Core;
using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Builds;

/// <summary>Finds the target a remote agent reports on and checks that the agent holds it: the target is running and
/// the call carries the claim its BeginTarget returned. Another agent's token, even one with the "agent" permission,
/// cannot log to, publish for or end a target it did not begin.</summary>
public sealed class HeldTargets(BuildCoordinator coordinator)
{
    internal (BuildRecord Build, TargetRecord Target) Require(string buildId, string target, string? claim)
    {
        var record = coordinator.TryFind(buildId)
            ?? throw Fail(StatusCode.NotFound, $"No build with id '{Printable(buildId)}' on this server.");
        lock (record.Sync)
        {
            var state = record.Find(target)
                ?? throw Fail(StatusCode.NotFound, $"Build {record.Id} has no target '{Printable(target)}'.");
            if (state.State != TargetState.Running)
            {
                throw Fail(StatusCode.FailedPrecondition, $"Build {record.Id} is {state.State} for {target}, not running; nothing more is taken for it.");
            }

            if (!state.IsHeldBy(claim))
            {
                throw Fail(StatusCode.PermissionDenied,
                    $"This agent does not hold build {record.Id} for {target}: the call carries {(string.IsNullOrEmpty(claim) ? "no claim" : "a claim that is not the current one")}. "
                    + "Only the agent whose BeginTarget returned the claim reports on the target (another BeginTarget for it replaces the claim).");
            }

            return (record, state);
        }
    }

    private static RpcException Fail(StatusCode code, string message) => new(new Status(code, message));

    private static string Printable(string text) =>
        new([.. text.Take(120).Select(static c => char.IsControl(c) ? '?' : c)]);
}
