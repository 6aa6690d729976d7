using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>The first publish on a fresh install (no users, no tokens): from the server's own machine any credentials
/// are the loopback publisher's, since there is nothing to check them against; elsewhere the refusal says what to do
/// (issue 16, item 3).</summary>
public sealed class FirstPublishSpecs
{
    [Fact]
    public async Task Flit_with_made_up_credentials_publishes_from_loopback_on_a_fresh_install()
    {
        await using var server = await ServerHost.StartAsync();
        var folder = TempDirectory.Create("first-flit");
        var result = await UploadClient.FlitPublishAsync(folder, "pf-first", "0.1", new Uri(server.BaseUri, "legacy/").ToString(), "newcomer", "anything");

        Assert.True(result.ExitCode == 0, $"flit publish (apt-get install flit) failed: {result.Combined}");
        Assert.Equal(["pf-first-0.1.tar.gz", "pf_first-0.1-py2.py3-none-any.whl"], UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task Pdm_with_made_up_credentials_publishes_from_loopback_on_a_fresh_install()
    {
        await using var server = await ServerHost.StartAsync();
        var folder = TempDirectory.Create("first-pdm");
        var result = await UploadClient.PdmPublishAsync(folder, "pf-pure", "1.0", server.BaseUri.ToString(), "newcomer", "anything",
            DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl"), DistFixtures.Path("pf-pure-1.0.tar.gz"));

        Assert.True(result.ExitCode == 0, $"pdm publish (apt-get install python3-pdm) failed: {result.Combined}");
        Assert.Equal(["pf-pure-1.0.tar.gz", "pf_pure-1.0-py2.py3-none-any.whl"], UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task Twine_with_a_user_name_publishes_from_loopback_on_a_fresh_install()
    {
        await using var server = await ServerHost.StartAsync();

        var result = await UploadClient.TwineAsync(server.BaseUri.ToString(), "alice", "whatever", DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl"));

        Assert.True(result.ExitCode == 0, result.Combined);
        Assert.Equal(["pf_pure-1.0-py2.py3-none-any.whl"], UploadClient.FilesIn(server.Root));
    }

    [Fact]
    public async Task Without_loopback_trust_the_refusal_says_no_users_or_tokens_exist_yet_and_how_to_make_one()
    {
        await using var server = await ServerHost.StartAsync(null, "--Auth:TrustLoopback", "Never");

        var result = await UploadClient.TwineAsync(server.BaseUri.ToString(), "alice", "whatever", DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("401", result.Combined, StringComparison.Ordinal);
        Assert.Contains("no users or tokens exist on this server yet", result.Combined, StringComparison.Ordinal);
        Assert.Contains("token create", result.Combined, StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
    }
}
