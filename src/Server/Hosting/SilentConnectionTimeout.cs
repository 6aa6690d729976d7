using Microsoft.AspNetCore.Connections;

namespace PypiForge.Server.Hosting;

/// <summary>Closes a connection that sends nothing at all within <c>Limits:RequestHeadersTimeout</c>.</summary>
/// <remarks>Kestrel holds a connection that never sends a byte for the whole keep-alive timeout, so a client that only
/// opens sockets could keep every slot under <c>Limits:MaxConnections</c> for minutes. Legitimate HTTP and gRPC clients
/// send their request or preface at once. The bytes are only looked at, not consumed, so Kestrel reads them next.</remarks>
internal sealed class SilentConnectionTimeout(TimeSpan timeout)
{
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            wait.CancelAfter(timeout);
            try
            {
                var result = await connection.Transport.Input.ReadAsync(wait.Token);
                connection.Transport.Input.AdvanceTo(result.Buffer.Start);
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("Nothing was sent within Limits:RequestHeadersTimeout."));
                return;
            }
        }

        await next(connection);
    };
}
