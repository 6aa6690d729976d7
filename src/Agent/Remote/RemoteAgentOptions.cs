namespace PypiForge.Agent.Remote;

/// <summary>How a remote agent reaches its server. Bound from the "Agent" section (beside <see cref="Building.AgentOptions"/>).</summary>
public sealed class RemoteAgentOptions
{
    /// <summary>The server's gRPC address, e.g. http://pypi.example:50051 (--server).</summary>
    public Uri? Server { get; set; }

    /// <summary>Sent on every call as "authorization: Bearer &lt;token&gt;" (--token); empty sends none.</summary>
    public string? Token { get; set; }

    /// <summary>The index pip reads from. Default: the server's /simple/ on the --server host and the HTTP port the server reports.</summary>
    public Uri? IndexUrl { get; set; }
}
