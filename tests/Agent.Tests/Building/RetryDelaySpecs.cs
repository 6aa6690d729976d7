using PypiForge.Agent.Building;

namespace PypiForge.Agent.Tests.Building;

/// <summary>The waits between runs of pip after passing failures: doubling from Agent:TransientRetryDelay, bounded.</summary>
public sealed class RetryDelaySpecs
{
    [Theory]
    [InlineData(1, 15)]
    [InlineData(2, 30)]
    [InlineData(3, 60)]
    [InlineData(6, 480)]
    [InlineData(7, 600)] // 960 s, held at ten minutes
    [InlineData(10, 600)]
    [InlineData(1000, 600)]
    public void Each_wait_is_twice_the_one_before_up_to_ten_minutes(int run, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), BuildJob.RetryDelay(TimeSpan.FromSeconds(15), run));
    }
}
