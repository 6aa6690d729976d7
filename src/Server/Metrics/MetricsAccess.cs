namespace PypiForge.Server.Metrics;

/// <summary>Who may read <c>/metrics</c> (<c>Metrics:Access</c>).</summary>
public enum MetricsAccess
{
    /// <summary>Only clients on this machine (loopback addresses, build sandboxes excepted): a local Prometheus or agent.</summary>
    Loopback,

    /// <summary>Anyone who reaches the HTTP port.</summary>
    Open,

    /// <summary>Callers with the admin permission (a token or an htpasswd user), like the dashboard.</summary>
    Admin,

    /// <summary>No endpoint (404) and nothing recorded.</summary>
    Off,
}
