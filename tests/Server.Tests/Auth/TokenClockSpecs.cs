using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PypiForge.Server.Auth;

namespace PypiForge.Server.Tests.Auth;

/// <summary>The token store keeps time by the injected <see cref="TimeProvider"/> — the clock the rest of the server
/// (e.g. a build's token lifetime) uses — never by the machine's clock behind its back.</summary>
public sealed class TokenClockSpecs : IDisposable
{
    private readonly string folder = TempDirectory.Create("token-clock");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2031, 5, 17, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => TempDirectory.Delete(folder);

    [Fact]
    public void An_internal_token_works_until_its_expiry_on_the_injected_clock_and_not_after()
    {
        var store = new TokenStore(folder, NullLogger<TokenStore>.Instance, time);
        var secret = store.CreateInternal("build b1 cp311", Permissions.Read, time.GetUtcNow() + TimeSpan.FromMinutes(10));

        var fresh = store.Find(secret);
        time.Advance(TimeSpan.FromMinutes(9));
        var almost = store.Find(secret);
        time.Advance(TimeSpan.FromMinutes(1));
        var expired = store.Find(secret);

        Assert.NotNull(fresh);
        Assert.NotNull(almost);
        Assert.Null(expired);
    }

    [Fact]
    public void A_token_is_stamped_with_the_injected_clocks_time()
    {
        var store = new TokenStore(folder, NullLogger<TokenStore>.Instance, time);

        var (created, _) = store.Create("ci", Permissions.Upload, "release job");
        var secret = store.CreateInternal("agent pip", Permissions.Read);

        Assert.Equal(time.GetUtcNow(), created.Created);
        Assert.Equal(time.GetUtcNow(), store.List().Single().Created);
        Assert.Equal(time.GetUtcNow(), store.Find(secret)!.Created);
    }

    [Fact]
    public void Whether_any_token_exists_is_looked_up_in_the_file_at_most_once_a_second_of_the_injected_clock()
    {
        var store = new TokenStore(folder, NullLogger<TokenStore>.Instance, time);
        var before = store.Any;
        new TokenStore(folder, NullLogger<TokenStore>.Instance, time).Create("ci", Permissions.Read, null); // as the token CLI does

        var withinTheSecond = store.Any;
        time.Advance(TimeSpan.FromSeconds(1.1));
        var afterIt = store.Any;

        Assert.False(before);
        Assert.False(withinTheSecond);
        Assert.True(afterIt);
    }
}
