using System.Security.Cryptography;
using System.Text;

namespace PypiForge.Server.Builds;

/// <summary>The secret that proves a remote agent holds a running target: made when the agent begins the target, shown
/// to it once (BeginTarget), presented on each later call. The server keeps only its sha256.</summary>
internal static class TargetClaim
{
    public static (string Secret, string Hash) New()
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (secret, Hash(secret));
    }

    public static bool Matches(string? hash, string? claim) =>
        hash is not null
        && !string.IsNullOrEmpty(claim)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(Hash(claim)));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
