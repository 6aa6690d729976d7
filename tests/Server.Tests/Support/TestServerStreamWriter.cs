using Grpc.Core;

namespace PypiForge.Server.Tests.Support;

/// <summary>A server stream that keeps what a service writes.</summary>
public sealed class TestServerStreamWriter<T> : IServerStreamWriter<T>
    where T : class
{
    private readonly List<T> written = [];
    private readonly Lock sync = new();

    public WriteOptions? WriteOptions { get; set; }

    public IReadOnlyList<T> Written
    {
        get
        {
            lock (sync)
            {
                return [.. written];
            }
        }
    }

    public Task WriteAsync(T message)
    {
        lock (sync)
        {
            written.Add(message);
        }

        return Task.CompletedTask;
    }
}
