using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace PypiForge.Server.Queue;

/// <summary>The dashboard can delete and requeue jobs: open to loopback requests, and to others only with the
/// configured admin credentials (HTTP Basic). Never open by accident.</summary>
internal sealed class DashboardAuthorization(Func<QueueOptions> current) : IDashboardAuthorizationFilter
{
    public DashboardAuthorization(QueueOptions options)
        : this(() => options)
    {
    }

    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote))
        {
            return true;
        }

        var options = current();
        if (!string.IsNullOrEmpty(options.DashboardUser) && !string.IsNullOrEmpty(options.DashboardPassword)
            && HasCredentials(http.Request.Headers.Authorization.ToString(), options.DashboardUser, options.DashboardPassword))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"PypiForge dashboard\", charset=\"UTF-8\"";
        return false;
    }

    private static bool HasCredentials(string header, string user, string password)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(header[6..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes($"{user}:{password}");
        return CryptographicOperations.FixedTimeEquals(decoded, expected);
    }
}
