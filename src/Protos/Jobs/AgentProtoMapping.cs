using PypiForge.Protos.V1;

namespace PypiForge.Protos.Jobs;

/// <summary>Agent-service messages to and from the build types both sides share.</summary>
public static class AgentProtoMapping
{
    public static PublishWheelResponse ToProto(PublishedWheel wheel)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        return new PublishWheelResponse
        {
            FileName = wheel.FileName,
            Size = wheel.Size,
            Sha256 = wheel.Sha256,
            Outcome = wheel.Outcome switch
            {
                WheelPublishOutcome.Published => PublishOutcome.Published,
                WheelPublishOutcome.AlreadyServed => PublishOutcome.AlreadyServed,
                WheelPublishOutcome.Conflict => PublishOutcome.Conflict,
                _ => PublishOutcome.Rejected,
            },
            Detail = wheel.Detail ?? string.Empty,
        };
    }

    public static PublishedWheel FromProto(PublishWheelResponse wheel)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        var outcome = wheel.Outcome switch
        {
            PublishOutcome.Published => WheelPublishOutcome.Published,
            PublishOutcome.AlreadyServed => WheelPublishOutcome.AlreadyServed,
            PublishOutcome.Conflict => WheelPublishOutcome.Conflict,
            _ => WheelPublishOutcome.Rejected,
        };
        return new PublishedWheel(wheel.FileName, wheel.Size, wheel.Sha256, outcome, string.IsNullOrEmpty(wheel.Detail) ? null : wheel.Detail);
    }

    public static V1.FailureKind ToProto(FailureKind kind) => kind switch
    {
        FailureKind.Other => V1.FailureKind.Other,
        FailureKind.RequiresPython => V1.FailureKind.RequiresPython,
        FailureKind.NoMatchingDistribution => V1.FailureKind.NoMatchingDistribution,
        FailureKind.BuildBackendUnavailable => V1.FailureKind.BuildBackendUnavailable,
        FailureKind.MissingHeader => V1.FailureKind.MissingHeader,
        FailureKind.CompilerMissing => V1.FailureKind.CompilerMissing,
        FailureKind.BuildFailed => V1.FailureKind.BuildFailed,
        FailureKind.Timeout => V1.FailureKind.Timeout,
        FailureKind.Cancelled => V1.FailureKind.Cancelled,
        FailureKind.AgentLost => V1.FailureKind.AgentLost,
        FailureKind.Network => V1.FailureKind.Network,
        FailureKind.Publish => V1.FailureKind.Publish,
        _ => V1.FailureKind.Unspecified,
    };

    /// <summary>A kind from the wire; one this build does not know (a newer agent's) is <see cref="FailureKind.Other"/>.</summary>
    public static FailureKind FromProto(V1.FailureKind kind) => kind switch
    {
        V1.FailureKind.Unspecified => FailureKind.None,
        V1.FailureKind.RequiresPython => FailureKind.RequiresPython,
        V1.FailureKind.NoMatchingDistribution => FailureKind.NoMatchingDistribution,
        V1.FailureKind.BuildBackendUnavailable => FailureKind.BuildBackendUnavailable,
        V1.FailureKind.MissingHeader => FailureKind.MissingHeader,
        V1.FailureKind.CompilerMissing => FailureKind.CompilerMissing,
        V1.FailureKind.BuildFailed => FailureKind.BuildFailed,
        V1.FailureKind.Timeout => FailureKind.Timeout,
        V1.FailureKind.Cancelled => FailureKind.Cancelled,
        V1.FailureKind.AgentLost => FailureKind.AgentLost,
        V1.FailureKind.Network => FailureKind.Network,
        V1.FailureKind.Publish => FailureKind.Publish,
        _ => FailureKind.Other,
    };
}
