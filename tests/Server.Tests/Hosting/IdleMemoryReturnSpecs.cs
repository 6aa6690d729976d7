using PypiForge.Server.Hosting;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>When the server returns memory: after a busy spell that allocated enough, once it has been idle for a few
/// ticks in a row; never during steady traffic, never for a spell too small to leave anything to return.</summary>
public sealed class IdleMemoryReturnSpecs
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Collects_once_after_a_large_spell_when_idle_for_three_ticks_then_waits_for_the_next_spell()
    {
        var policy = new IdleMemoryReturn.IdlePolicy();
        var decisions = Run(policy, 0, 50 * MiB, 100 * MiB, 150 * MiB, 150 * MiB, 150 * MiB, 150 * MiB, 150 * MiB + 10, 150 * MiB + 20, 150 * MiB + 30, 150 * MiB + 40);

        Assert.Equal([false, false, false, false, false, false, true, false, false, false, false], decisions);
    }

    [Fact]
    public void Steady_traffic_never_collects_however_much_it_allocates()
    {
        var policy = new IdleMemoryReturn.IdlePolicy();
        var ticks = Enumerable.Range(0, 100).Select(i => i * 5 * MiB).ToArray();

        Assert.DoesNotContain(true, Run(policy, ticks));
    }

    [Fact]
    public void A_pause_inside_a_burst_or_a_small_spell_does_not_collect()
    {
        var shortPause = Run(new IdleMemoryReturn.IdlePolicy(), 0, 200 * MiB, 200 * MiB, 200 * MiB, 400 * MiB);
        var smallSpell = Run(new IdleMemoryReturn.IdlePolicy(), 0, 40 * MiB, 40 * MiB, 40 * MiB, 40 * MiB, 40 * MiB, 40 * MiB);

        Assert.DoesNotContain(true, shortPause);
        Assert.DoesNotContain(true, smallSpell);
    }

    [Fact]
    public void The_next_spell_is_counted_from_the_last_collection()
    {
        var policy = new IdleMemoryReturn.IdlePolicy();
        var first = Run(policy, 0, 200 * MiB, 200 * MiB, 200 * MiB, 200 * MiB);
        var small = Run(policy, 250 * MiB, 250 * MiB, 250 * MiB, 250 * MiB);
        var large = Run(policy, 400 * MiB, 400 * MiB, 400 * MiB, 400 * MiB);

        Assert.Equal([false, false, false, false, true], first);
        Assert.DoesNotContain(true, small);
        Assert.Equal([false, false, false, true], large);
    }

    [Fact]
    public void A_large_start_up_is_collected_at_once_and_counts_as_the_last_collection()
    {
        var large = new IdleMemoryReturn.IdlePolicy();
        var small = new IdleMemoryReturn.IdlePolicy();

        Assert.True(large.ShouldCollectAfterStart(300 * MiB));
        Assert.DoesNotContain(true, Run(large, 310 * MiB, 310 * MiB, 310 * MiB, 310 * MiB));
        Assert.False(small.ShouldCollectAfterStart(20 * MiB));
        Assert.Equal([false, false, false, true, false], Run(small, 130 * MiB, 130 * MiB, 130 * MiB, 130 * MiB, 130 * MiB));
    }

    private static bool[] Run(IdleMemoryReturn.IdlePolicy policy, params long[] allocated) =>
        allocated.Select(policy.ShouldCollect).ToArray();
}
