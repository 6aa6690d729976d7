using System.Net;
using System.Security.Cryptography;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>Races and the overwrite policy.</summary>
public sealed class UploadPolicySpecs : IDisposable
{
    private readonly string folder = TempDirectory.Create("upload-policy");

    public void Dispose() => TempDirectory.Delete(folder);

    [Fact]
    public async Task Of_twenty_concurrent_uploads_of_one_new_name_with_different_bytes_exactly_one_wins()
    {
        await using var server = await ServerHost.StartAsync();
        var variants = Enumerable.Range(0, 20)
            .Select(i => TestDists.Wheel(Path.Combine(folder, $"v{i}"), "pf_race", "1.0", metadata: TestDists.Metadata("pf-race", "1.0", extra: $"Keywords: variant-{i}\n")))
            .ToList();
        var hashes = variants.Select(Hash).ToList();
        Assert.Equal(20, hashes.Distinct().Count());

        var responses = await Task.WhenAll(variants.Select(async path =>
        {
            using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(path, "pf-race", "1.0"));
            return (response.StatusCode, response.ReasonPhrase, Hash: Hash(path));
        }));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("File already exists", r.ReasonPhrase);
        });
        Assert.Equal(["pf_race-1.0-py3-none-any.whl"], UploadClient.FilesIn(server.Root));
        Assert.Equal(winner.Hash, Hash(Path.Combine(server.Root, "pf_race-1.0-py3-none-any.whl")));
        var download = await server.Client.GetByteArrayAsync("/packages/pf_race-1.0-py3-none-any.whl");
        Assert.Equal(winner.Hash, Convert.ToHexStringLower(SHA256.HashData(download)));
    }

    [Theory]
    [InlineData("Never", "1.0", false)]
    [InlineData("Always", "1.0", true)]
    [InlineData("PreReleases", "1.0", false)]
    [InlineData("PreReleases", "1.1rc1", true)]
    [InlineData("PreReleases", "1.1.dev3", true)]
    public async Task The_overwrite_policy_decides_whether_a_different_file_may_replace_one(string policy, string version, bool replaced)
    {
        await using var server = await ServerHost.StartAsync(null, "--Uploads:Overwrite", policy);
        var first = TestDists.Wheel(Path.Combine(folder, "first"), "pf_ow", version, metadata: TestDists.Metadata("pf-ow", version, extra: "Keywords: first\n"));
        var second = TestDists.Wheel(Path.Combine(folder, "second"), "pf_ow", version, metadata: TestDists.Metadata("pf-ow", version, extra: "Keywords: second\n"));

        using var created = await UploadClient.PostAsync(server.Client, UploadClient.Form(first, "pf-ow", version));
        using var again = await UploadClient.PostAsync(server.Client, UploadClient.Form(second, "pf-ow", version));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(replaced ? HttpStatusCode.OK : HttpStatusCode.BadRequest, again.StatusCode);
        var served = Path.Combine(server.Root, Path.GetFileName(first));
        Assert.Equal(Hash(replaced ? second : first), Hash(served));
        var page = await server.Client.GetStringAsync("/simple/pf-ow/");
        Assert.Contains(Hash(replaced ? second : first), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_uploaded_file_is_in_the_index_when_the_upload_returns()
    {
        await using var server = await ServerHost.StartAsync(null, "--Catalog:ReconcileInterval", "01:00:00", "--Catalog:SettleDelay", "00:00:05");

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(DistFixtures.Path("pf-pure-1.0.tar.gz"), "pf-pure", "1.0"));
        var page = await server.Client.GetStringAsync("/simple/pf-pure/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("pf-pure-1.0.tar.gz", page, StringComparison.Ordinal);
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
