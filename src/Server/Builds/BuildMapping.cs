using Google.Protobuf.WellKnownTypes;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using FailureKind = PypiForge.Protos.Jobs.FailureKind;

namespace PypiForge.Server.Builds;

/// <summary>Snapshots and changes of builds to API messages, and API states to domain ones.</summary>
internal static class BuildMapping
{
    public static Build ToProto(BuildSnapshot record)
    {
        var build = new Build
        {
            Id = record.Id,
            NoDeps = !record.WithDependencies,
            Pre = record.Prerelease,
            State = ToProto(record.State),
            CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
            IdempotencyKey = record.IdempotencyKey ?? string.Empty,
        };
        build.Requirements.AddRange(record.Requirements);
        if (record.FinishedAt is { } finished)
        {
            build.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }

        foreach (var target in record.Targets)
        {
            var proto = new TargetBuild
            {
                Target = target.Name,
                State = ToProto(target.State),
                JobId = target.JobId ?? string.Empty,
                Error = target.Error ?? string.Empty,
                Reason = target.Reason ?? (target.AgentLost is { } gone ? gone.Describe() : string.Empty),
                FailureKind = AgentProtoMapping.ToProto(target.AgentLost is not null && target.Reason is null ? FailureKind.AgentLost : target.Kind),
            };
            proto.LogTail.AddRange(target.Tail);
            proto.Wheels.AddRange(target.Wheels.Select(static w => new BuiltWheel
            {
                Filename = w.FileName,
                Size = w.Size,
                Sha256 = w.Sha256,
                Outcome = ToProto(w.Outcome),
                Detail = w.Detail ?? string.Empty,
            }));
            if (target.StartedAt is { } started)
            {
                proto.StartedAt = Timestamp.FromDateTimeOffset(started);
            }

            if (target.FinishedAt is { } targetFinished)
            {
                proto.FinishedAt = Timestamp.FromDateTimeOffset(targetFinished);
            }

            if (target.Duration is { } duration)
            {
                proto.Duration = Duration.FromTimeSpan(duration);
            }

            if (target.AgentLost is { } lost)
            {
                proto.AgentLost = ToProto(lost);
            }

            build.Targets.Add(proto);
        }

        return build;
    }

    private static AgentLost ToProto(AgentLoss loss)
    {
        var proto = new AgentLost
        {
            Agent = loss.Agent,
            LostAt = Timestamp.FromDateTimeOffset(loss.LostAt),
            RunsAgainBy = Timestamp.FromDateTimeOffset(loss.RunsAgainBy),
            Summary = loss.Describe(),
        };
        if (loss.LastHeartbeat is { } beat)
        {
            proto.LastHeartbeat = Timestamp.FromDateTimeOffset(beat);
        }

        return proto;
    }

    public static BuildEvent ToProto(BuildChange change) => change.Build is { } build
        ? new BuildEvent { Build = ToProto(build) }
        : new BuildEvent { Log = new LogLine { Target = change.Line!.Target, Line = change.Line.Line, Time = Timestamp.FromDateTimeOffset(change.Line.Time) } };

    public static BuildState ToProto(TargetState state) => state switch
    {
        TargetState.Queued => BuildState.Queued,
        TargetState.Running => BuildState.Running,
        TargetState.Succeeded => BuildState.Succeeded,
        TargetState.Failed => BuildState.Failed,
        TargetState.Cancelled => BuildState.Cancelled,
        TargetState.NotApplicable => BuildState.NotApplicable,
        _ => BuildState.Unspecified,
    };

    public static TargetState? FromProto(BuildState state) => state switch
    {
        BuildState.Queued => TargetState.Queued,
        BuildState.Running => TargetState.Running,
        BuildState.Succeeded => TargetState.Succeeded,
        BuildState.Failed => TargetState.Failed,
        BuildState.Cancelled => TargetState.Cancelled,
        BuildState.NotApplicable => TargetState.NotApplicable,
        _ => null,
    };

    private static WheelOutcome ToProto(WheelPublishOutcome outcome) => outcome switch
    {
        WheelPublishOutcome.Published => WheelOutcome.Published,
        WheelPublishOutcome.AlreadyServed => WheelOutcome.AlreadyServed,
        WheelPublishOutcome.Conflict => WheelOutcome.Conflict,
        WheelPublishOutcome.Rejected => WheelOutcome.Rejected,
        _ => WheelOutcome.Unspecified,
    };
}
