using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>Entries written by Apache's own htpasswd tool, in every form it offers.</summary>
public sealed class HtpasswdSpecs : IDisposable
{
    private readonly string folder = TempDirectory.Create("htpasswd");

    public void Dispose() => TempDirectory.Delete(folder);

    [Theory]
    [InlineData("B")] // bcrypt
    [InlineData("m")] // apr1
    [InlineData("s")] // SHA-1
    public async Task Entries_htpasswd_writes_verify_the_right_password_only(string flag)
    {
        var path = await UploadClient.HtpasswdAsync(folder, ("alice", "pässwörd with spaces", flag));
        var hash = (await File.ReadAllTextAsync(path)).Trim().Split(':', 2)[1];

        Assert.Null(HtpasswdHash.Unsupported(hash));
        Assert.True(HtpasswdHash.Verify("pässwörd with spaces", hash));
        Assert.False(HtpasswdHash.Verify("pässwörd with space", hash));
        Assert.False(HtpasswdHash.Verify(string.Empty, hash));
    }

    [Fact]
    public async Task Crypt_and_plain_entries_are_reported_as_unsupported_and_never_match()
    {
        var path = await UploadClient.HtpasswdAsync(folder, ("old", "secret", "d"));
        var hash = (await File.ReadAllTextAsync(path)).Trim().Split(':', 2)[1];

        Assert.NotNull(HtpasswdHash.Unsupported(hash));
        Assert.NotNull(HtpasswdHash.Unsupported("secret"));
        Assert.False(HtpasswdHash.Verify("secret", hash));
        Assert.False(HtpasswdHash.Verify("secret", "secret"));
    }

    [Theory]
    [InlineData("$apr1$")]
    [InlineData("$apr1$nosalt")]
    [InlineData("$2y$05$short")]
    [InlineData("{SHA}not-base64")]
    public void Malformed_hashes_do_not_match_and_do_not_throw(string hash) =>
        Assert.False(HtpasswdHash.Verify("anything", hash));

    [Fact]
    public async Task The_file_is_read_again_when_it_changes()
    {
        var path = await UploadClient.HtpasswdAsync(folder, ("alice", "first", "B"));
        var users = new HtpasswdUsers(Options.Create(new AuthOptions { HtpasswdFile = path }), NullLogger<HtpasswdUsers>.Instance);
        Assert.True(users.Verify("alice", "first"));

        var change = await PythonClient.RunAsync("htpasswd", ["-bB", path, "alice", "second"]);
        Assert.Equal(0, change.ExitCode);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5)); // same size and second: make the change visible
        var added = await PythonClient.RunAsync("htpasswd", ["-bm", path, "bob", "bobs"]);
        Assert.Equal(0, added.ExitCode);

        Assert.False(users.Verify("alice", "first"));
        Assert.True(users.Verify("alice", "second"));
        Assert.True(users.Verify("bob", "bobs"));
        Assert.False(users.Verify("carol", "second"));
    }

    [Fact]
    public async Task An_unknown_user_name_costs_a_password_check_as_a_known_one_does()
    {
        var path = await UploadClient.HtpasswdAsync(folder, ("alice", "right-pw", "B"));
        var users = new HtpasswdUsers(Options.Create(new AuthOptions { HtpasswdFile = path }), NullLogger<HtpasswdUsers>.Instance);
        users.Load();

        var before = users.Checks;
        Assert.False(users.Verify("alice", "wrong-pw"));
        var knownName = users.Checks - before;
        Assert.False(users.Verify("mallory", "wrong-pw"));
        Assert.False(users.Verify("mallory", "right-pw"));
        var unknownName = users.Checks - before - knownName;

        Assert.Equal(1, knownName);
        Assert.Equal(2, unknownName);
    }

    [Fact]
    public async Task A_remembered_sign_in_is_still_not_checked_again()
    {
        var path = await UploadClient.HtpasswdAsync(folder, ("alice", "right-pw", "B"));
        var users = new HtpasswdUsers(Options.Create(new AuthOptions { HtpasswdFile = path }), NullLogger<HtpasswdUsers>.Instance);

        Assert.True(users.Verify("alice", "right-pw"));
        var afterFirst = users.Checks;
        Assert.True(users.Verify("alice", "right-pw"));

        Assert.Equal(afterFirst, users.Checks);
    }

    [Theory]
    [InlineData(new[] { "-bB", "-C", "6" }, new[] { "-bs" }, "$2", "$06$")]
    [InlineData(new[] { "-bB", "-C", "4" }, new[] { "-bB", "-C", "7" }, "$2", "$07$")]
    [InlineData(new[] { "-bm" }, new[] { "-bs" }, "$apr1$", "$")]
    [InlineData(new[] { "-bs" }, new[] { "-bs" }, "{SHA}", "=")]
    public async Task The_decoy_hash_is_as_slow_as_the_slowest_users_and_matches_nothing(string[] first, string[] second, string form, string cost)
    {
        var path = Path.Combine(folder, "decoy.htpasswd");
        Assert.Equal(0, (await PythonClient.RunAsync("htpasswd", [.. first, "-c", path, "alice", "pw-a"])).ExitCode);
        Assert.Equal(0, (await PythonClient.RunAsync("htpasswd", [.. second, path, "bob", "pw-b"])).ExitCode);
        var hashes = (await File.ReadAllLinesAsync(path)).Select(l => l.Split(':', 2)[1]).ToList();

        var decoy = HtpasswdHash.Decoy(hashes);

        Assert.NotNull(decoy);
        Assert.StartsWith(form, decoy, StringComparison.Ordinal);
        Assert.Contains(cost, decoy, StringComparison.Ordinal);
        Assert.False(HtpasswdHash.Verify("pw-a", decoy));
        Assert.False(HtpasswdHash.Verify(string.Empty, decoy));
        Assert.Null(HtpasswdHash.Decoy([]));
    }

    [Fact]
    public async Task Lines_that_are_not_user_and_hash_are_skipped_and_the_rest_still_work()
    {
        var path = Path.Combine(folder, "mixed.htpasswd");
        await UploadClient.HtpasswdAsync(folder, ("alice", "pw", "s"));
        var good = (await File.ReadAllTextAsync(Path.Combine(folder, "users.htpasswd"))).Trim();
        await File.WriteAllTextAsync(path, $"# comment\n\nno-colon-here\n:emptyuser\nplain:secret\n{good}\n");
        var users = new HtpasswdUsers(Options.Create(new AuthOptions { HtpasswdFile = path }), NullLogger<HtpasswdUsers>.Instance);

        Assert.Equal(1, users.Load());
        Assert.True(users.Verify("alice", "pw"));
        Assert.False(users.Verify("plain", "secret"));
    }
}
