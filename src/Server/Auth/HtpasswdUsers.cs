using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>The users of the htpasswd file. The file is re-read when its size or time changes, so `htpasswd` edits
/// take effect without a restart; a file that cannot be read keeps the last good users and is logged.</summary>
public sealed class HtpasswdUsers(IOptions<AuthOptions> options, ILogger<HtpasswdUsers> logger)
{
    private readonly string? path = string.IsNullOrWhiteSpace(options.Value.HtpasswdFile) ? null : Path.GetFullPath(options.Value.HtpasswdFile);
    private readonly Lock gate = new();
    private Dictionary<string, string> users = new(StringComparer.Ordinal);
    private string? decoy;
    private long checks;
    private (long Length, DateTime Written) seen = (-1, default);
    private static readonly TimeSpan RememberSuccess = TimeSpan.FromMinutes(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> verified = new(StringComparer.Ordinal);

    public bool Configured => path is not null;

    /// <summary>Whether at least one user can sign in.</summary>
    public bool Any => Current().Count > 0;

    /// <summary>How many passwords were checked against a hash (a real one or the decoy), for tests: an unknown user
    /// name must cost a check as a known one does.</summary>
    internal long Checks => Interlocked.Read(ref checks);

    /// <summary>Checks a password. bcrypt costs milliseconds by design and pip sends the password with every request
    /// of an install, so a success is remembered for a few minutes (keyed by a hash of user, password and stored
    /// hash: a changed file or password misses). Failures are never remembered. An unknown user name is checked
    /// against a decoy hash as slow as the file's slowest, so a refusal takes as long whether the name exists or not.</summary>
    public bool Verify(string user, string password)
    {
        if (!Current().TryGetValue(user, out var hash))
        {
            if (Volatile.Read(ref decoy) is { } unknown)
            {
                Check(password, unknown);
            }

            return false;
        }

        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{user}\n{password}\n{hash}")));
        var now = Environment.TickCount64;
        if (verified.TryGetValue(key, out var until) && until > now)
        {
            return true;
        }

        if (!Check(password, hash))
        {
            return false;
        }

        if (verified.Count > 10_000)
        {
            verified.Clear();
        }

        verified[key] = now + (long)RememberSuccess.TotalMilliseconds;
        return true;
    }

    private bool Check(string password, string hash)
    {
        Interlocked.Increment(ref checks);
        return HtpasswdHash.Verify(password, hash);
    }

    /// <summary>Loads the file now; used at start-up so a missing file is reported before the first request.</summary>
    public int Load() => Current().Count;

    private Dictionary<string, string> Current()
    {
        if (path is null)
        {
            return users;
        }

        var info = new FileInfo(path);
        var stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, default(DateTime));
        lock (gate)
        {
            if (stamp == seen)
            {
                return users;
            }

            seen = stamp;
            if (!info.Exists)
            {
                AuthLog.HtpasswdMissing(logger, path);
                return users;
            }

            try
            {
                users = Parse(File.ReadAllLines(path));
                decoy = HtpasswdHash.Decoy(users.Values);
                AuthLog.HtpasswdLoaded(logger, path, users.Count);
            }
            catch (IOException ex)
            {
                AuthLog.HtpasswdUnreadable(logger, path, ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                AuthLog.HtpasswdUnreadable(logger, path, ex.Message);
            }

            return users;
        }
    }

    private Dictionary<string, string> Parse(string[] lines)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                AuthLog.HtpasswdLineSkipped(logger, path!, i + 1, "it is not 'user:hash'");
                continue;
            }

            var user = line[..colon];
            var hash = line[(colon + 1)..];
            var problem = HtpasswdHash.Unsupported(hash);
            if (problem is not null)
            {
                AuthLog.HtpasswdLineSkipped(logger, path!, i + 1, $"user '{user}': {problem}");
                continue;
            }

            parsed[user] = hash;
        }

        return parsed;
    }
}
