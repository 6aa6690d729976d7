using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Tests.Support;

/// <summary>The real server, as Program.cs builds it, on real Kestrel at a free loopback port, over a temp package folder.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly bool ownsRoot;
    private int disposed;

    private ServerHost(WebApplication app, string root, Uri baseUri, LogSink logs, bool ownsRoot)
    {
        this.app = app;
        Root = root;
        BaseUri = baseUri;
        Logs = logs;
        this.ownsRoot = ownsRoot;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string Root { get; }

    public Uri BaseUri { get; }

    public string IndexUrl => new Uri(BaseUri, "simple/").ToString();

    /// <summary>The gRPC endpoint (HTTP/2 cleartext on its own port).</summary>
    public Uri? GrpcUri { get; private init; }

    public HttpClient Client { get; }

    public LogSink Logs { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Starts a server. <paramref name="root"/> null makes a fresh temp folder that is deleted on dispose.</summary>
    public static Task<ServerHost> StartAsync(string? root = null, params string[] extraArgs) => StartAsync(root, null, extraArgs);

    /// <summary>Starts a server whose clock is <paramref name="time"/> (a FakeTimeProvider): everything the server
    /// decides by time follows it, while its clients (pip) run in real time.</summary>
    public static Task<ServerHost> StartWithClockAsync(TimeProvider time, string? root, params string[] extraArgs) => StartAsync(root, time, extraArgs);

    private static async Task<ServerHost> StartAsync(string? root, TimeProvider? time, string[] extraArgs)
    {
        var ownsRoot = root is null;
        root ??= TempDirectory.Create("root");
        // gRPC on a free port too, no embedded build agent and no upstream (PyPI is not reachable from tests) unless a
        // test asks for them (later arguments win).
        string[] args = ["--urls", "http://127.0.0.1:0", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false", "--fallback", "none", "--root", root, .. extraArgs];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddPypiForgeServer(args);
        if (time is not null)
        {
            builder.Services.AddSingleton(time); // registered after the server's TimeProvider.System, so it wins
        }

        var logs = new LogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var app = builder.Build();
        app.MapPypiForge();
        await app.StartAsync();
        var endpoints = app.Services.GetRequiredService<ServerEndpoints>();
        return new ServerHost(app, root, endpoints.HttpBaseUri, logs, ownsRoot) { GrpcUri = endpoints.GrpcBaseUri };
    }

    /// <summary>Polls until <paramref name="condition"/> holds; bounded, so a broken watcher fails the test instead of hanging it.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownsRoot)
        {
            TempDirectory.Delete(Root);
        }
    }
}

/// <summary>Collects log lines so tests can check what operators are told.</summary>
public sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public IEnumerable<string> Messages(LogLevel atLeast = LogLevel.Trace) =>
        Entries.Where(e => e.Level >= atLeast).Select(static e => e.Message);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
