using System.Net;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Http;
using PypiForge.Server.Queue;

namespace PypiForge.Server.Tests.Queue;

/// <summary>A real socket cannot come from a non-loopback address here, so these cases use a crafted HttpContext
/// (in addition to the real loopback request in BuildApiSpecs).</summary>
public sealed class DashboardAuthorizationSpecs
{
    private static readonly JobStorage Storage = new InMemoryStorage();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Loopback_requests_are_allowed(string address) =>
        Assert.True(Authorize(new QueueOptions(), address, null, out _));

    [Fact]
    public void Remote_requests_without_configured_credentials_are_refused_with_a_basic_challenge()
    {
        Assert.False(Authorize(new QueueOptions(), "192.0.2.10", Basic("admin", "secret"), out var context));
        Assert.StartsWith("Basic", context.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "secret", true)]
    [InlineData("admin", "wrong", false)]
    [InlineData("other", "secret", false)]
    public void Remote_requests_need_the_admin_credentials(string user, string password, bool allowed)
    {
        var options = new QueueOptions { DashboardUser = "admin", DashboardPassword = "secret" };
        Assert.Equal(allowed, Authorize(options, "192.0.2.10", Basic(user, password), out _));
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Bearer abc")]
    [InlineData("")]
    public void Malformed_authorization_headers_are_refused(string header)
    {
        var options = new QueueOptions { DashboardUser = "admin", DashboardPassword = "secret" };
        Assert.False(Authorize(options, "192.0.2.10", header, out _));
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static bool Authorize(QueueOptions options, string remote, string? authorization, out HttpContext http)
    {
        http = new DefaultHttpContext { RequestServices = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(new Microsoft.Extensions.DependencyInjection.ServiceCollection()) };
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        var context = new AspNetCoreDashboardContext(Storage, new DashboardOptions(), http);
        return new DashboardAuthorization(options).Authorize(context);
    }
}
