using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>A private server (no anonymous reads, loopback not trusted) and its callers — anonymous, a wrong password,
/// a user with only "read", one with only "build", one with only "agent", an admin — over uploads, downloads, gRPC and
/// the dashboard.</summary>
public sealed class AuthMatrixSpecs : IAsyncLifetime
{
    private const string Wheel = "pf_pure-1.0-py2.py3-none-any.whl";
    private const string Target = "cp311-cp311-linux_x86_64";
    private string folder = null!;
    private ServerHost server = null!;
    private GrpcChannel channel = null!;

    public enum Caller
    {
        Anonymous,
        WrongPassword,
        Reader,
        Admin,
        Builder,
        Agent,
    }

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("auth-matrix");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("admin", "admin-pw", "B"), ("reader", "reader-pw", "s"),
            ("builder", "builder-pw", "s"), ("agent", "agent-pw", "s"));
        var root = TempDirectory.Create("auth-root");
        File.Copy(DistFixtures.Path(Wheel), Path.Combine(root, Wheel));
        server = await ServerHost.StartAsync(root,
            "--htpasswd", htpasswd,
            "--Auth:TrustLoopback", "Never",
            "--Auth:AnonymousRead", "false",
            "--Auth:Users:admin", "admin",
            "--Auth:Users:reader", "read",
            "--Auth:Users:builder", "build",
            "--Auth:Users:agent", "agent",
            "--Auth:MaxFailedLogins", "1000");
        channel = GrpcChannel.ForAddress(server.GrpcUri!);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        TempDirectory.Delete(server.Root);
        TempDirectory.Delete(folder);
    }

    [Theory]
    [InlineData(Caller.Anonymous, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.WrongPassword, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.Reader, HttpStatusCode.Forbidden)]
    [InlineData(Caller.Admin, HttpStatusCode.OK)]
    public async Task Uploads_need_the_upload_permission(Caller caller, HttpStatusCode expected)
    {
        using var response = await UploadClient.PostAsync(server.Client,
            UploadClient.Form(DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl"), "pf-dep", "1.0"), Credentials(caller));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK, File.Exists(Path.Combine(server.Root, "pf_dep-1.0-py2.py3-none-any.whl")));
        AssertChallenge(response, expected);
    }

    [Theory]
    [InlineData(Caller.Anonymous, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.WrongPassword, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.Reader, HttpStatusCode.OK)]
    [InlineData(Caller.Admin, HttpStatusCode.OK)]
    public async Task Private_reads_need_credentials_for_pages_files_and_metadata(Caller caller, HttpStatusCode expected)
    {
        foreach (var path in new[] { "/simple/", "/simple/pf-pure/", $"/packages/{Wheel}", $"/packages/{Wheel}.metadata", "/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = Credentials(caller);
            using var response = await server.Client.SendAsync(request);
            Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode}");
            AssertChallenge(response, expected);
            if (expected == HttpStatusCode.OK && path.StartsWith("/packages/", StringComparison.Ordinal))
            {
                Assert.True(response.Headers.CacheControl is { Private: true, Public: false }, $"{path}: Cache-Control {response.Headers.CacheControl}");
            }
        }
    }

    [Fact]
    public async Task Proxied_upstream_files_need_credentials_too()
    {
        using var response = await server.Client.GetAsync($"/upstream/pf-pure/{Wheel}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_health_probe_stays_open_on_a_private_server()
    {
        using var response = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Caller.Anonymous, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.WrongPassword, HttpStatusCode.Unauthorized)]
    [InlineData(Caller.Reader, HttpStatusCode.Forbidden)]
    [InlineData(Caller.Admin, HttpStatusCode.OK)]
    public async Task The_dashboard_is_for_admins(Caller caller, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Authorization = Credentials(caller);
        using var response = await server.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        AssertChallenge(response, expected);
    }

    [Theory]
    [InlineData(Caller.Anonymous, StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.Unauthenticated)]
    [InlineData(Caller.WrongPassword, StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.Unauthenticated)]
    [InlineData(Caller.Reader, StatusCode.OK, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied)]
    [InlineData(Caller.Builder, StatusCode.PermissionDenied, StatusCode.NotFound, StatusCode.PermissionDenied, StatusCode.PermissionDenied)]
    [InlineData(Caller.Agent, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.NotFound)]
    [InlineData(Caller.Admin, StatusCode.OK, StatusCode.NotFound, StatusCode.NotFound, StatusCode.NotFound)]
    public async Task GRPC_calls_need_read_build_admin_and_agent(Caller caller, StatusCode read, StatusCode build, StatusCode admin, StatusCode agent)
    {
        var headers = new Metadata();
        if (Credentials(caller) is { } credentials)
        {
            headers.Add("authorization", credentials.ToString());
        }

        var builds = new BuildService.BuildServiceClient(channel);
        var packages = new PackageService.PackageServiceClient(channel);
        var agents = new AgentService.AgentServiceClient(channel);

        Assert.Equal(read, await StatusOf(() => packages.ListProjectsAsync(new ListProjectsRequest(), headers).ResponseAsync));
        Assert.Equal(read, await StatusOf(() => builds.ListBuildsAsync(new ListBuildsRequest(), headers).ResponseAsync));
        Assert.Equal(build, await StatusOf(() => builds.CancelBuildAsync(new CancelBuildRequest { Id = "no-such-build" }, headers).ResponseAsync));
        Assert.Equal(admin, await StatusOf(() => packages.DeleteFileAsync(new DeleteFileRequest { Filename = "pf_nothing-1.0-py3-none-any.whl" }, headers).ResponseAsync));

        // Every AgentService call needs "agent" ("build" is for those who request builds); past the policy, a build this
        // server does not know is answered "found: false" (BeginTarget) or NotFound.
        Assert.Equal(agent == StatusCode.NotFound ? StatusCode.OK : agent, await StatusOf(() => agents
            .BeginTargetAsync(new BeginTargetRequest { BuildId = "no-such-build", Target = Target }, headers).ResponseAsync));
        Assert.Equal(agent, await StatusOf(() => agents
            .AppendLogAsync(new AppendLogRequest { BuildId = "no-such-build", Target = Target, Lines = { "forged" } }, headers).ResponseAsync));
        Assert.Equal(agent, await StatusOf(() => agents.CompleteTargetAsync(
            new CompleteTargetRequest { BuildId = "no-such-build", Target = Target, State = TargetOutcomeState.Succeeded }, headers).ResponseAsync));
        Assert.Equal(agent, await StatusOf(async () =>
        {
            using var call = agents.PublishWheel(headers);
            try
            {
                await call.RequestStream.WriteAsync(new PublishWheelChunk { Header = new PublishWheelHeader
                {
                    BuildId = "no-such-build", Target = Target, FileName = "pf_pure-99.0-py3-none-any.whl", Size = 1,
                    Sha256 = new string('0', 64), SupportedTags = { "py3-none-any" },
                } });
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException)
            {
                // Refused before the stream ended; the answer carries the status.
            }

            await call.ResponseAsync;
        }));
    }

    [Fact]
    public async Task GRPC_refusals_carry_a_message_a_person_can_act_on()
    {
        var packages = new PackageService.PackageServiceClient(channel);
        var denied = await Assert.ThrowsAsync<RpcException>(() => packages.DeleteFileAsync(
            new DeleteFileRequest { Filename = Wheel },
            new Metadata { { "authorization", Credentials(Caller.Reader)!.ToString() } }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("'reader'", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("'admin' permission", denied.Status.Detail, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.Root, Wheel)));
    }

    [Fact]
    public async Task A_bearer_token_signs_gRPC_calls_in_and_a_revoked_one_no_longer_does()
    {
        var tokens = server.Services.GetRequiredService<TokenStore>();
        var (token, secret) = tokens.Create("ci", Permissions.Read, null);
        var packages = new PackageService.PackageServiceClient(channel);
        var bearer = new Metadata { { "authorization", $"Bearer {secret}" } };

        var listed = await packages.ListProjectsAsync(new ListProjectsRequest(), bearer);
        Assert.Contains(listed.Projects, p => p.Name == "pf-pure" || p.Name == "pf_pure");

        Assert.True(tokens.Revoke(token.Id));
        var refused = await Assert.ThrowsAsync<RpcException>(() => packages.ListProjectsAsync(new ListProjectsRequest(), bearer).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task Pip_installs_from_the_private_index_with_credentials_in_the_URL()
    {
        var withCredentials = new UriBuilder(server.IndexUrl) { UserName = "reader", Password = "reader-pw" }.Uri.ToString();
        var target = Path.Combine(folder, "pip-target");

        var anonymous = await PythonClient.PipAsync(PythonInterpreter.System.Path,
            "install", "--no-cache-dir", "--target", target, "-i", server.IndexUrl, "pf-pure==1.0");
        var signedIn = await PythonClient.PipAsync(PythonInterpreter.System.Path,
            "install", "--no-cache-dir", "--target", target, "-i", withCredentials, "pf-pure==1.0");

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("No matching distribution", anonymous.Combined, StringComparison.Ordinal);
        Assert.True(signedIn.ExitCode == 0, signedIn.Combined);
        Assert.True(File.Exists(Path.Combine(target, "pf_pure.py")));
        Assert.DoesNotContain(server.Logs.Messages(), m => m.Contains("reader-pw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_service_creates_tokens_for_admins_only_and_shows_the_secret_once()
    {
        var tokens = new TokenService.TokenServiceClient(channel);
        var admin = new Metadata { { "authorization", Credentials(Caller.Admin)!.ToString() } };
        var reader = new Metadata { { "authorization", Credentials(Caller.Reader)!.ToString() } };

        var created = await tokens.CreateTokenAsync(new CreateTokenRequest { User = "deploy", Permissions = { "upload" }, Description = "deploys" }, admin);
        var listed = await tokens.ListTokensAsync(new ListTokensRequest(), admin);
        var denied = await Assert.ThrowsAsync<RpcException>(() => tokens.ListTokensAsync(new ListTokensRequest(), reader).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => tokens.CreateTokenAsync(new CreateTokenRequest { User = "x", Permissions = { "superuser" } }, admin).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => tokens.RevokeTokenAsync(new RevokeTokenRequest { Id = "nope" }, admin).ResponseAsync);

        Assert.StartsWith(TokenStore.Prefix, created.Secret, StringComparison.Ordinal);
        Assert.Equal(["upload"], created.Token.Permissions);
        var entry = Assert.Single(listed.Tokens, t => t.Id == created.Token.Id);
        Assert.DoesNotContain(created.Secret, entry.ToString(), StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("superuser", invalid.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var onDisk = await File.ReadAllTextAsync(Path.Combine(server.Root, ".pypiforge", "tokens.json"));
        Assert.DoesNotContain(created.Secret, onDisk, StringComparison.Ordinal);
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    private static void AssertChallenge(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }
    }

    private static AuthenticationHeaderValue? Credentials(Caller caller) => caller switch
    {
        Caller.WrongPassword => UploadClient.Basic("admin", "guess"),
        Caller.Reader => UploadClient.Basic("reader", "reader-pw"),
        Caller.Admin => UploadClient.Basic("admin", "admin-pw"),
        Caller.Builder => UploadClient.Basic("builder", "builder-pw"),
        Caller.Agent => UploadClient.Basic("agent", "agent-pw"),
        _ => null,
    };
}
