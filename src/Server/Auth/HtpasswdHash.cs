using System.Security.Cryptography;
using System.Text;

namespace PypiForge.Server.Auth;

/// <summary>Checks a password against one htpasswd hash: bcrypt (<c>$2y$</c>, <c>$2a$</c>, <c>$2b$</c>), Apache MD5
/// (<c>$apr1$</c>) and SHA-1 (<c>{SHA}</c>) — the forms Apache's <c>htpasswd</c> writes and pypiserver reads.</summary>
public static class HtpasswdHash
{
    private const string Apr1Magic = "$apr1$";
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Where bcrypt's ranks start in <see cref="Cost"/>: above every other form.</summary>
    private const int BcryptCosts = 100;

    /// <summary>Why a hash cannot be used, or null when its form is supported.</summary>
    public static string? Unsupported(string hash) => hash switch
    {
        _ when hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2a$", StringComparison.Ordinal)
            || hash.StartsWith("$2b$", StringComparison.Ordinal) => null,
        _ when hash.StartsWith(Apr1Magic, StringComparison.Ordinal) => null,
        _ when hash.StartsWith("{SHA}", StringComparison.Ordinal) => null,
        _ => "its hash is neither bcrypt ($2y$), apr1 ($apr1$) nor SHA-1 ({SHA}); re-create it with `htpasswd -B`",
    };

    public static bool Verify(string password, string hash)
    {
        if (hash.StartsWith("$2", StringComparison.Ordinal))
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(password, hash);
            }
            catch (Exception ex) when (ex is BCrypt.Net.SaltParseException or ArgumentException)
            {
                // A damaged hash matches nothing.
                return false;
            }
        }

        var expected = hash.StartsWith(Apr1Magic, StringComparison.Ordinal) ? Apr1(password, hash)
            : hash.StartsWith("{SHA}", StringComparison.Ordinal) ? Sha1(password)
            : null;
        return expected is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>A hash of a random password (matched by nothing) that costs as much to check as the slowest of
    /// <paramref name="hashes"/>, or null when there are none. Checking it for an unknown user name takes as long as
    /// a wrong password of a known one, so the time of a refusal does not tell which names exist.</summary>
    internal static string? Decoy(IEnumerable<string> hashes)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var slowest = hashes.Select(h => (Hash: h, Cost: Cost(h))).Where(h => h.Cost >= 0).OrderByDescending(h => h.Cost).FirstOrDefault();
        return slowest.Hash switch
        {
            null => null,
            _ when slowest.Cost >= BcryptCosts => BCrypt.Net.BCrypt.HashPassword(password, slowest.Cost - BcryptCosts),
            _ when slowest.Hash.StartsWith(Apr1Magic, StringComparison.Ordinal) => Apr1(password, Apr1Magic + password[..8] + "$"),
            _ => Sha1(password),
        };
    }

    /// <summary>A rank of how long a hash takes to check: bcrypt by its cost above apr1 above SHA-1; -1 for a bcrypt
    /// hash whose cost htpasswd would not write (4 to 17), which a decoy must not copy (cost 31 takes days).</summary>
    private static int Cost(string hash) => hash switch
    {
        _ when hash.StartsWith("$2", StringComparison.Ordinal) =>
            hash.Length > 7 && hash[3] == '$' && hash[6] == '$' && int.TryParse(hash.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture, out var cost)
                && cost is >= 4 and <= 17 ? BcryptCosts + cost : -1,
        _ when hash.StartsWith(Apr1Magic, StringComparison.Ordinal) => 1,
        _ => 0,
    };

#pragma warning disable CA5350, CA5351 // Legacy htpasswd forms are verified as users bring them; new entries should use bcrypt.
    private static string Sha1(string password) =>
        "{SHA}" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>Apache's MD5-crypt variant, as in apr_md5.c.</summary>
    internal static string? Apr1(string password, string hash)
    {
        var rest = hash.AsSpan(Apr1Magic.Length);
        var end = rest.IndexOf('$');
        if (end < 0)
        {
            return null;
        }

        var salt = Encoding.ASCII.GetBytes(rest[..Math.Min(end, 8)].ToString());
        var pw = Encoding.UTF8.GetBytes(password);
        var magic = Encoding.ASCII.GetBytes(Apr1Magic);

        var alternate = MD5.HashData([.. pw, .. salt, .. pw]);
        var context = new List<byte>(pw.Length * 2 + 32);
        context.AddRange(pw);
        context.AddRange(magic);
        context.AddRange(salt);
        for (var left = pw.Length; left > 0; left -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(16, left)).ToArray());
        }

        for (var i = pw.Length; i != 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : pw.Length > 0 ? pw[0] : (byte)0);
        }

        var final = MD5.HashData(context.ToArray());
        for (var i = 0; i < 1000; i++)
        {
            var round = new List<byte>(64);
            round.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                round.AddRange(salt);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pw);
            }

            round.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData(round.ToArray());
        }

        var text = new StringBuilder(Apr1Magic).Append(Encoding.ASCII.GetString(salt)).Append('$');
        To64(text, (final[0] << 16) | (final[6] << 8) | final[12], 4);
        To64(text, (final[1] << 16) | (final[7] << 8) | final[13], 4);
        To64(text, (final[2] << 16) | (final[8] << 8) | final[14], 4);
        To64(text, (final[3] << 16) | (final[9] << 8) | final[15], 4);
        To64(text, (final[4] << 16) | (final[10] << 8) | final[5], 4);
        To64(text, final[11], 2);
        return text.ToString();
    }
#pragma warning restore CA5350, CA5351

    private static void To64(StringBuilder text, int value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            text.Append(Itoa64[value & 0x3f]);
            value >>= 6;
        }
    }
}
