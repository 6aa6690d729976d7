using Grpc.Core;

namespace PypiForge.Cli.Hosting;

/// <summary>Turns a failed call into one line a person can act on and the exit code scripts switch on. The server's own
/// messages are written for people and are shown as they are; what only the client knows (the URL it tried, the
/// permission the command needs) is added.</summary>
public static class CallFailures
{
    public static (int ExitCode, string Message) Describe(RpcException failure, Uri server, string permission, bool hasToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var detail = failure.Status.Detail;
        return failure.StatusCode switch
        {
            // An HTTP/1.1-only port (the index) refuses HTTP/2, or answers with a downgrade or a bad content type.
            _ when IsNotGrpc(detail) => (ExitCodes.Unreachable,
                $"{server} answered, but not as PypiForge's gRPC API ({Cause(failure)}). Is it the index's HTTP port? gRPC has its own port (by default {ServerAddress.Default})."),
            // Set by the client when no HTTP/2 exchange happened (refused, no route, name not found, TLS): the server said nothing.
            StatusCode.Unavailable when failure.Status.DebugException is not null => (ExitCodes.Unreachable,
                $"cannot reach the PypiForge server at {server} ({Cause(failure)}). Check --server or " +
                $"${ServerAddress.Variable} (the server's start-up lines show its gRPC URL; by default {ServerAddress.Default}, not the index port) and that the server is running."),
            StatusCode.DeadlineExceeded => (ExitCodes.Unreachable,
                $"the PypiForge server at {server} did not answer in time ({detail}). Check that it is running and reachable."),
            StatusCode.Unauthenticated => (ExitCodes.Unreachable,
                $"this needs the {permission} permission; {detail}" + (hasToken ? string.Empty : $" Give a token with --token or ${GlobalOptions.TokenVariable}.")),
            StatusCode.PermissionDenied => (ExitCodes.Unreachable, $"this needs the {permission} permission; {detail}"),
            StatusCode.InvalidArgument => (ExitCodes.Usage, detail),
            StatusCode.Unimplemented => (ExitCodes.Failed,
                $"the server at {server} does not offer this call ({detail}); it is older than this pypiforge: upgrade the server."),
            _ => (ExitCodes.Failed, detail.Length > 0 ? detail : $"the server answered {failure.StatusCode}."),
        };
    }

    private static bool IsNotGrpc(string detail) =>
        detail.Contains("HTTP/1.1", StringComparison.Ordinal) || detail.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal)
        || detail.Contains("HTTP/2 handshake", StringComparison.Ordinal)
        || detail.Contains("Bad gRPC response", StringComparison.Ordinal);

    /// <summary>The client's own exception, innermost (the socket's "Connection refused"), else the status text.</summary>
    private static string Cause(RpcException failure)
    {
        var inner = failure.Status.DebugException;
        if (inner is null)
        {
            return failure.Status.Detail;
        }

        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }
}
