using System.Net;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>Counts failed sign-ins per client address in a fixed window; past the limit the client is refused (429)
/// until the window ends, without its credentials being checked, so passwords cannot be guessed at speed.</summary>
public sealed class FailedLogins(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int MaxTrackedClients = 10_000;
    private readonly int limit = options.Value.MaxFailedLogins;
    private readonly TimeSpan window = options.Value.FailedLoginWindow;
    private readonly Lock gate = new();
    private readonly Dictionary<IPAddress, (int Count, DateTimeOffset Start)> clients = [];

    /// <summary>How long the client must wait, or null when it may try.</summary>
    public TimeSpan? BlockedFor(IPAddress? client)
    {
        if (client is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            return clients.TryGetValue(client, out var entry) && entry.Count >= limit && now - entry.Start < window
                ? entry.Start + window - now
                : null;
        }
    }

    public void Record(IPAddress? client)
    {
        if (client is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            if (clients.Count >= MaxTrackedClients)
            {
                foreach (var stale in clients.Where(c => now - c.Value.Start >= window).Select(c => c.Key).ToList())
                {
                    clients.Remove(stale);
                }
            }

            clients[client] = clients.TryGetValue(client, out var entry) && now - entry.Start < window
                ? (entry.Count + 1, entry.Start)
                : (1, now);
        }
    }
}
