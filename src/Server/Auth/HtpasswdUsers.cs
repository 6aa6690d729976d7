using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>The users of the htpasswd file. The file is re-read when its size or time changes, so `htpasswd` edits
/// take effect without a restart; a file that cannot be read keeps the last good users and is logged.</summary>
public sealed class HtpasswdUsers(IOptions<AuthOptions> options, ILogger<HtpasswdUsers> logger)
{
    private readonly string? path = string.IsNullOrWhiteSpace(options.Value.HtpasswdFile) ? null : Path.GetFullPath(options.Value.HtpasswdFile);
    private readonly Lock gate = new();
    private Dictionary<string, string> users = new(StringComparer.Ordinal);
    private (long Length, DateTime Written) seen = (-1, default);

    public bool Configured => path is not null;

    /// <summary>Whether at least one user can sign in.</summary>
    public bool Any => Current().Count > 0;

    public bool Verify(string user, string password) =>
        Current().TryGetValue(user, out var hash) && HtpasswdHash.Verify(password, hash);

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
