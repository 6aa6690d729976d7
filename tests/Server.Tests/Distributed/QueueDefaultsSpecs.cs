using PypiForge.Protos.Queue;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>The queue's defaults, which the README's configuration table states.</summary>
public sealed class QueueDefaultsSpecs
{
    [Fact]
    public void A_dead_agents_build_waits_a_minute_not_five_and_the_defaults_pass_the_checks()
    {
        var options = new QueueOptions();

        Assert.Equal(TimeSpan.FromMinutes(1), options.InvisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.AgentTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HeartbeatInterval);
        Assert.True(new QueueOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void An_invisibility_out_of_range_is_refused_with_the_key_and_the_default_as_example()
    {
        var result = new QueueOptionsValidator().Validate(null, new QueueOptions { InvisibilityTimeout = TimeSpan.FromSeconds(1) });

        Assert.True(result.Failed);
        Assert.Contains("Queue:InvisibilityTimeout is 00:00:01; use a value from 00:00:05 to 1.00:00:00 (e.g. 00:01:00).", result.Failures!);
    }
}
