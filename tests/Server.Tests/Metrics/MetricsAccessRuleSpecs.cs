using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;
using PypiForge.Protos.Queue;
using PypiForge.Server.Auth;
using PypiForge.Server.Metrics;

namespace PypiForge.Server.Tests.Metrics;

/// <summary>The loopback rule of <c>Metrics:Access</c> on the connection's addresses. A real socket cannot come from
/// 192.0.2.10 here (tests reach only loopback), so the other peers are checked on the rule itself, as for loopback trust.</summary>
public sealed class MetricsAccessRuleSpecs
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:8080", true)]
    [InlineData("127.0.0.1", "localhost:8080", true)]
    [InlineData("::1", "[::1]:8080", true)]
    [InlineData("127.8.9.10", "localhost", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1:8080", true)]
    [InlineData("::ffff:192.0.2.10", "127.0.0.1:8080", false)]
    [InlineData("192.0.2.10", "127.0.0.1:8080", false)]
    [InlineData("10.1.2.3", "localhost:8080", false)]
    [InlineData("2001:db8::7", "[::1]:8080", false)]
    [InlineData("127.0.0.1", "evil.example", false)]
    [InlineData("127.0.0.1", "index.internal:8080", false)]
    public void Only_loopback_peers_under_a_literal_or_localhost_host_are_answered(string peer, string host, bool allowed)
    {
        var check = new MetricsAccessCheck(new LoopbackPeers(Options.Create(new QueueOptions { EmbeddedAgent = false }), Options.Create(new AgentOptions())));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Host = new HostString(host);

        Assert.Equal(allowed, check.AllowsLoopback(context));
    }

    [Fact]
    public void A_request_without_a_peer_address_is_refused()
    {
        var check = new MetricsAccessCheck(new LoopbackPeers(Options.Create(new QueueOptions { EmbeddedAgent = false }), Options.Create(new AgentOptions())));

        Assert.False(check.AllowsLoopback(new DefaultHttpContext()));
    }
}
