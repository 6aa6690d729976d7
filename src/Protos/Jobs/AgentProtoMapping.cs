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
}
