using Grpc.Core;

namespace PypiForge.Server.Tests.Support;

/// <summary>A call context for calling a gRPC service class directly (after grpc-dotnet's examples/Tester).</summary>
public sealed class TestServerCallContext : ServerCallContext
{
    private readonly Metadata requestHeaders;
    private readonly CancellationToken cancellationToken;
    private readonly Metadata responseTrailers = [];
    private readonly AuthContext authContext = new(null, []);
    private readonly Dictionary<object, object> userState = [];

    private TestServerCallContext(Metadata requestHeaders, CancellationToken cancellationToken)
    {
        this.requestHeaders = requestHeaders;
        this.cancellationToken = cancellationToken;
    }

    public Metadata? ResponseHeaders { get; private set; }

    protected override string MethodCore => "MethodName";

    protected override string HostCore => "HostName";

    protected override string PeerCore => "ipv4:127.0.0.1:5000";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => requestHeaders;

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore => responseTrailers;

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => authContext;

    protected override IDictionary<object, object> UserStateCore => userState;

    public static TestServerCallContext Create(Metadata? requestHeaders = null, CancellationToken cancellationToken = default) =>
        new(requestHeaders ?? [], cancellationToken);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("No propagation in a test call.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        if (ResponseHeaders is not null)
        {
            throw new InvalidOperationException("Response headers have already been written.");
        }

        ResponseHeaders = responseHeaders;
        return Task.CompletedTask;
    }
}
