using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.V1;
using PypiForge.Server.Policy;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Policy;

/// <summary>PolicyService's refusals: every bad argument is InvalidArgument or NotFound with a message that says what
/// to send instead, and a caller without "admin" is told which permission is missing. Through the real host (a private
/// server with an admin and a reader), and the service class with a test call context.</summary>
public sealed class PolicyApiSpecs : IAsyncLifetime
{
    private const string Wheel = "pf_pure-1.0-py2.py3-none-any.whl";
    private string folder = null!;
    private ServerHost server = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("policy-api");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("admin", "admin-pw", "B"), ("reader", "reader-pw", "s"));
        var root = TempDirectory.Create("policy-root");
        File.Copy(DistFixtures.Path(Wheel), Path.Combine(root, Wheel));
        server = await ServerHost.StartAsync(root, "--htpasswd", htpasswd, "--Auth:TrustLoopback", "Never",
            "--Auth:Users:admin", "admin", "--Auth:Users:reader", "read");
        channel = GrpcChannel.ForAddress(server.GrpcUri!);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        TempDirectory.Delete(server.Root);
        TempDirectory.Delete(folder);
    }

    private static Metadata As(string user, string password) =>
        new() { { "authorization", UploadClient.Basic(user, password).ToString() } };

    private PolicyService.PolicyServiceClient Client => new(channel);

    public static TheoryData<string, string, string, Duration?, string> BadAllowances => new()
    {
        { "", "", "why", null, "project is required" },
        { "   ", "1.0", "why", null, "project is required" },
        { "-bad-name-", "", "why", null, "'-bad-name-' is not a valid project name" },
        { "pf-pure", "not a version", "why", null, "'not a version' is not a PEP 440 version" },
        { "pf-pure", "1.0", "", null, "reason is required" },
        { "pf-pure", "1.0", "  ", null, "reason is required" },
        { "pf-pure", "1.0", "two\nlines", null, "at most 1000 characters on one line" },
        { "pf-pure", "1.0", "why", new Duration { Seconds = 0 }, "give a positive duration" },
        { "pf-pure", "1.0", "why", new Duration { Seconds = -3600 }, "give a positive duration" },
        { "pf-pure", "1.0", "why", new Duration { Seconds = 4000L * 86400 }, "at most 3650 days" },
    };

    [Theory]
    [MemberData(nameof(BadAllowances))]
    public async Task A_bad_allowance_is_refused_InvalidArgument_saying_what_is_wrong(string project, string version, string reason, Duration? expiresAfter, string message)
    {
        var request = new AllowFreshRequest { Project = project, Version = version, Reason = reason, ExpiresAfter = expiresAfter };

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.AllowFreshAsync(request, As("admin", "admin-pw")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(message, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await Client.ListAllowFreshAsync(new ListAllowFreshRequest(), As("admin", "admin-pw"))).Allowances);
    }

    [Theory]
    [InlineData("", StatusCode.InvalidArgument, "id is required")]
    [InlineData("deadbeef", StatusCode.NotFound, "No fresh allowance with id 'deadbeef'")]
    public async Task Revoking_no_id_or_an_unknown_one_is_refused(string id, StatusCode status, string message)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Client.RevokeAllowFreshAsync(new RevokeAllowFreshRequest { Id = id }, As("admin", "admin-pw")).ResponseAsync);

        Assert.Equal(status, refused.StatusCode);
        Assert.Contains(message, refused.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "quarantined", StatusCode.InvalidArgument, "project is required")]
    [InlineData("bad name!", "quarantined", StatusCode.InvalidArgument, "is not a valid project name")]
    [InlineData("pf-pure", "gone", StatusCode.InvalidArgument, "use one of active, archived, quarantined, deprecated")]
    [InlineData("pf-pure", "", StatusCode.InvalidArgument, "use one of active, archived, quarantined, deprecated")]
    [InlineData("pf-nothing-here", "archived", StatusCode.NotFound, "No project named 'pf-nothing-here' is served here")]
    public async Task A_bad_status_request_is_refused_saying_what_is_wrong(string project, string status, StatusCode code, string message)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Client.SetProjectStatusAsync(new SetProjectStatusRequest { Project = project, Status = status }, As("admin", "admin-pw")).ResponseAsync);

        Assert.Equal(code, refused.StatusCode);
        Assert.Contains(message, refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_needs_the_admin_permission_and_a_reader_is_told_so()
    {
        var reader = As("reader", "reader-pw");
        var calls = new Func<Task>[]
        {
            () => Client.AllowFreshAsync(new AllowFreshRequest { Project = "pf-pure", Reason = "why" }, reader).ResponseAsync,
            () => Client.ListAllowFreshAsync(new ListAllowFreshRequest(), reader).ResponseAsync,
            () => Client.RevokeAllowFreshAsync(new RevokeAllowFreshRequest { Id = "deadbeef" }, reader).ResponseAsync,
            () => Client.SetProjectStatusAsync(new SetProjectStatusRequest { Project = "pf-pure", Status = "quarantined" }, reader).ResponseAsync,
        };

        foreach (var call in calls)
        {
            var denied = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.Contains("'reader'", denied.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("'admin' permission", denied.Status.Detail, StringComparison.Ordinal);
        }

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client.ListAllowFreshAsync(new ListAllowFreshRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Empty((await Client.ListAllowFreshAsync(new ListAllowFreshRequest(), As("admin", "admin-pw"))).Allowances);
        Assert.Equal("active", (await new PackageService.PackageServiceClient(channel).GetProjectAsync(new GetProjectRequest { Name = "pf-pure" }, reader)).Status.Status);
    }

    [Fact]
    public async Task The_service_class_names_the_caller_as_who_allowed_it()
    {
        var service = ActivatorUtilities.CreateInstance<PolicyGrpcService>(server.Services);
        var context = TestServerCallContext.Create();
        var http = new DefaultHttpContext { User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "alice")], "test")) };
        context.UserState["__HttpContext"] = http;

        var granted = await service.AllowFresh(new AllowFreshRequest { Project = "Pf.Pure", Version = "1.0.0", Reason = "release day" }, context);
        var status = await service.SetProjectStatus(new SetProjectStatusRequest { Project = "PF_PURE", Status = " Deprecated ", Reason = "use pf-other" }, context);

        Assert.Equal(("pf-pure", "1.0.0", "alice", "release day"), (granted.Project, granted.Version, granted.AllowedBy, granted.Reason));
        Assert.NotNull(granted.Created);
        Assert.Equal(("deprecated", "use pf-other", "alice"), (status.Status, status.Reason, status.SetBy));
        Assert.NotNull(status.SetAt);
    }
}
