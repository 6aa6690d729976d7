namespace PypiForge.Server.Hosting;

/// <summary>How many connections the server holds and how long a slow or silent client may keep one (section <c>Limits</c>).</summary>
/// <remarks>Without a ceiling, idle connections pile up until the process runs out of file descriptors and dies; with
/// one, Kestrel refuses the surplus and the server keeps answering the connections it has.</remarks>
public sealed class ConnectionLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Open connections (index and gRPC together); more are closed as soon as they are accepted.</summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>How long a connection may sit between requests (or before its first one) before it is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a client may take to send the request line and headers once it has started.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The slowest upload accepted, in bytes per second, once the grace period is over; 0 turns the check off.</summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>How long a request body may stay below <see cref="MinRequestBodyDataRate"/> before the request is aborted.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);
}
