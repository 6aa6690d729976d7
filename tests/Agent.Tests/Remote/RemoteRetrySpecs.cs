using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PypiForge.Agent.Building;
using PypiForge.Agent.Remote;
using PypiForge.Protos.V1;

namespace PypiForge.Agent.Tests.Remote;

/// <summary>A remote agent retries a server that does not answer for <see cref="RemoteBuildHost.RetryWindow"/> of the
/// injected clock, backing off, and then gives up with the server's status.</summary>
public sealed class RemoteRetrySpecs
{
    [Fact]
    public async Task A_server_that_stays_unavailable_is_retried_for_ten_minutes_of_the_injected_clock_then_given_up()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 17, 8, 0, 0, TimeSpan.Zero));
        var server = new UnavailableServer();
        var host = new RemoteBuildHost(
            new AgentService.AgentServiceClient(server),
            Options.Create(new AgentOptions { Server = new Uri("http://127.0.0.1:1") }),
            time,
            NullLogger<RemoteBuildHost>.Instance);
        var started = time.GetUtcNow();
        var real = Stopwatch.StartNew();

        var begin = host.BeginAsync("b1", "cp311-cp311-linux_x86_64", CancellationToken.None);
        for (var i = 0; i < 10_000 && !begin.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1);
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => begin);
        var waited = time.GetUtcNow() - started;
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.InRange(waited, RemoteBuildHost.RetryWindow - TimeSpan.FromSeconds(6), RemoteBuildHost.RetryWindow + TimeSpan.FromSeconds(1));
        Assert.InRange(server.Calls, 100, 150); // 0.5 s, 1 s, 2 s, 4 s, then every 5 s
        Assert.True(real.Elapsed < TimeSpan.FromMinutes(1), $"took {real.Elapsed} of real time");
    }

    /// <summary>Answers every call with UNAVAILABLE, as a channel to a stopped server does.</summary>
    private sealed class UnavailableServer : CallInvoker
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Interlocked.Increment(ref calls);
            var status = new Status(StatusCode.Unavailable, "connection refused");
            return new AsyncUnaryCall<TResponse>(
                Task.FromException<TResponse>(new RpcException(status)), Task.FromResult(new Metadata()), () => status, () => [], static () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }
}
