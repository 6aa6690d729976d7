using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Protos.Queue;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>Loopback trust, anonymous reads, rate limiting of failed sign-ins, the token command.</summary>
public sealed class AccessRulesSpecs : IDisposable
{
    private readonly string folder = TempDirectory.Create("access-rules");

    public void Dispose() => TempDirectory.Delete(folder);

    [Fact]
    public async Task A_fresh_install_trusts_loopback_until_the_first_token_exists()
    {
        await using var server = await ServerHost.StartAsync();
        var wheel = DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl");

        using var before = await UploadClient.PostAsync(server.Client, UploadClient.Form(wheel, "pf-dep", "1.0"));
        server.Services.GetRequiredService<TokenStore>().Create("ci", Permissions.Upload, null);
        using var after = await UploadClient.PostAsync(server.Client, UploadClient.Form(DistFixtures.Path("pf-pure-1.0.tar.gz"), "pf-pure", "1.0"));
        using var dashboard = await server.Client.GetAsync("/hangfire");
        using var stillReadable = await server.Client.GetAsync("/simple/pf-dep/");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillReadable.StatusCode);
    }

    [Theory]
    [InlineData("Auto", "192.0.2.10", false)]
    [InlineData("Always", "192.0.2.10", false)]
    [InlineData("Auto", "127.0.0.1", true)]
    [InlineData("Auto", "::1", true)]
    [InlineData("Never", "127.0.0.1", false)]
    [InlineData("Always", "127.0.0.1", true)]
    public void Only_loopback_addresses_are_ever_trusted(string mode, string address, bool trusted)
    {
        // A real socket cannot come from 192.0.2.10 here: this one case is checked on the rule itself.
        var options = Options.Create(new AuthOptions { TrustLoopback = Enum.Parse<LoopbackTrust>(mode) });
        var policy = new AccessPolicy(options, new HtpasswdUsers(options, NullLogger<HtpasswdUsers>.Instance),
            new TokenStore(folder, NullLogger<TokenStore>.Instance),
            new LoopbackPeers(Options.Create(new QueueOptions()), Options.Create(new AgentOptions())));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(trusted, policy.TrustsLoopback(context));
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_are_answered_429_until_the_window_ends()
    {
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("alice", "right-pw-7781", "B"));
        await using var server = await ServerHost.StartAsync(null, "--htpasswd", htpasswd,
            "--Auth:MaxFailedLogins", "3", "--Auth:FailedLoginWindow", "00:00:03");
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await GetAsync(server, "/hangfire", "alice", "wrong-pw-1234");
            statuses.Add(wrong.StatusCode);
        }

        using var blockedEvenWithTheRightPassword = await GetAsync(server, "/hangfire", "alice", "right-pw-7781");
        var grpc = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new PackageService.PackageServiceClient(channel)
            .DeleteFileAsync(new DeleteFileRequest { Filename = "x-1.0.tar.gz" }, new Grpc.Core.Metadata { { "authorization", UploadClient.Basic("alice", "right-pw-7781").ToString() } }).ResponseAsync);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, blockedEvenWithTheRightPassword.StatusCode);
        Assert.NotNull(blockedEvenWithTheRightPassword.Headers.RetryAfter);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, grpc.StatusCode);
        Assert.True(await ServerHost.EventuallyAsync(async () =>
        {
            // A page that reads credentials (a public page does not look at them, so it would say nothing here).
            using var retry = await GetAsync(server, "/hangfire", "alice", "right-pw-7781");
            return retry.StatusCode != HttpStatusCode.TooManyRequests;
        }, TimeSpan.FromSeconds(15)), "the client stayed blocked after the window");
        Assert.DoesNotContain(server.Logs.Messages(), m => m.Contains("-pw-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Public_pages_and_downloads_do_not_read_credentials_so_wrong_ones_there_count_as_no_failed_sign_in()
    {
        // pip sends the credentials of an index URL (http://user:password@host/simple/) with every request, pages and
        // files alike: where nothing needs them they are not checked, neither costing a hash nor counting as failures.
        var root = Path.Combine(folder, "root");
        TestDists.Wheel(root, "public-read", "1.0");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("alice", "right-pw-7781", "B"));
        await using var server = await ServerHost.StartAsync(root, "--htpasswd", htpasswd, "--Auth:TrustLoopback", "Never",
            "--Auth:MaxFailedLogins", "2", "--Auth:FailedLoginWindow", "00:10:00");

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/simple/", "/simple/public-read/", "/packages/public_read-1.0-py3-none-any.whl", "/simple/public-read/" })
        {
            using var wrong = await GetAsync(server, path, "alice", "wrong-pw-1234");
            statuses.Add(wrong.StatusCode);
        }

        using var stillAllowed = await GetAsync(server, "/hangfire", "alice", "right-pw-7781");
        using var wrongWhereChecked = await GetAsync(server, "/hangfire", "alice", "wrong-pw-1234");

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, stillAllowed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, stillAllowed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongWhereChecked.StatusCode);
    }

    [Fact]
    public async Task Malformed_authorization_headers_get_401_not_an_error()
    {
        await using var server = await ServerHost.StartAsync(null, "--Auth:TrustLoopback", "Never");
        foreach (var header in new[] { "Basic !!!not-base64", "Basic " + Convert.ToBase64String("no-colon"u8.ToArray()), "Bearer", "Digest abc", "Basic" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await server.Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{header}: {response.StatusCode}");
        }
    }

    [Fact]
    public void The_token_command_creates_lists_and_revokes_tokens_in_the_state_folder()
    {
        var root = Path.Combine(folder, "root");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var created = TokenCommands.Run(["create", "--user", "ci", "--permissions", "upload,read", "--description", "CI", "--root", root], output, error);
        var secret = output.ToString().Trim();
        var store = new TokenStore(Path.Combine(root, ".pypiforge"), NullLogger<TokenStore>.Instance);
        var found = store.Find(secret);
        output.GetStringBuilder().Clear();
        var listed = TokenCommands.Run(["list", "--root", root], output, error);
        var listing = output.ToString();
        var revoked = TokenCommands.Run(["revoke", found!.Id, "--root", root], output, error);
        var bad = TokenCommands.Run(["create", "--user", "ci", "--permissions", "everything", "--root", root], output, error);
        var usage = TokenCommands.Run(["frobnicate"], output, error);

        Assert.Equal(0, created);
        Assert.StartsWith(TokenStore.Prefix, secret, StringComparison.Ordinal);
        Assert.Equal("read,upload", found.Permissions);
        Assert.Equal(0, listed);
        Assert.Contains(found.Id, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        Assert.Equal(0, revoked);
        Assert.Null(store.Find(secret));
        Assert.Equal(2, bad);
        Assert.Contains("'everything' is not one", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, usage);
    }

    private static async Task<HttpResponseMessage> GetAsync(ServerHost server, string path, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = UploadClient.Basic(user, password);
        return await server.Client.SendAsync(request);
    }
}
