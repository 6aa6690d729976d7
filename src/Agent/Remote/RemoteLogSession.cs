using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PypiForge.Agent.Building;
using PypiForge.Protos.V1;

namespace PypiForge.Agent.Remote;

/// <summary>Sends one running target's log lines to the server in batches (pip can print thousands of lines a second),
/// and learns from each answer whether a person cancelled the build. It calls at least once a second, lines or not.</summary>
internal sealed class RemoteLogSession : IAsyncDisposable
{
    private const int BatchLines = 1_000;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly AgentService.AgentServiceClient client;
    private readonly string buildId;
    private readonly string target;
    private readonly string claim;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<string> lines = Channel.CreateBounded<string>(new BoundedChannelOptions(20_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource cancelled = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;

    public RemoteLogSession(AgentService.AgentServiceClient client, string buildId, string target, string claim, TimeProvider time, ILogger logger)
    {
        this.client = client;
        this.buildId = buildId;
        this.target = target;
        this.claim = claim;
        this.time = time;
        this.logger = logger;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Signalled when the server says a person cancelled the build.</summary>
    public CancellationToken Cancelled => cancelled.Token;

    /// <summary>The claim BeginTarget returned: every later call for this target carries it.</summary>
    public string Claim => claim;

    public void Add(string line) => lines.Writer.TryWrite(line);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await pump;
        await SendAsync(final: true);
        stopping.Dispose();
    }

    private async Task PumpAsync()
    {
        var quiet = TimeSpan.Zero;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Tick, time, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            quiet += Tick;
            if (lines.Reader.Count > 0 || quiet >= TimeSpan.FromSeconds(1))
            {
                quiet = TimeSpan.Zero;
                await SendAsync(final: false);
            }
        }
    }

    private async Task SendAsync(bool final)
    {
        do
        {
            var request = new AppendLogRequest { BuildId = buildId, Target = target, Claim = claim };
            while (request.Lines.Count < BatchLines && lines.Reader.TryRead(out var line))
            {
                request.Lines.Add(line);
            }

            if (final && request.Lines.Count == 0)
            {
                return;
            }

            try
            {
                var response = await client.AppendLogAsync(request, deadline: time.GetUtcNow().UtcDateTime.AddSeconds(10));
                if (response.CancelRequested && !cancelled.IsCancellationRequested)
                {
                    await cancelled.CancelAsync();
                }
            }
            catch (RpcException ex)
            {
                // The server may be restarting: the lines are lost for watchers, the build goes on.
                if (request.Lines.Count > 0)
                {
                    AgentLog.LogLinesLost(logger, request.Lines.Count, buildId, ex.Status.Detail);
                }

                return;
            }
        }
        while (lines.Reader.Count > 0);
    }
}
