namespace PypiForge.Server.Builds;

public enum BuildErrorKind
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,

    /// <summary>The server could not do it now (its storage or queue failed); retrying later may work.</summary>
    Unavailable,
}

/// <summary>A build request that cannot be served, with a message a person can act on. The gRPC adapter maps the kind to a status code.</summary>
public sealed class BuildApiException : Exception
{
    public BuildApiException(BuildErrorKind kind, string message)
        : base(message) => Kind = kind;

    public BuildApiException()
    {
    }

    public BuildApiException(string message)
        : base(message)
    {
    }

    public BuildApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BuildErrorKind Kind { get; }
}
