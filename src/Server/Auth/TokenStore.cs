using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Auth;

/// <summary>An API token as stored: never the token itself, only its SHA-256 (tokens are 256 random bits, so a plain
/// hash is as strong as a slow one).</summary>
public sealed record StoredToken(string Id, string User, string Permissions, string? Description, DateTimeOffset Created, string Sha256);

/// <summary>API tokens in <c>&lt;state&gt;/tokens.json</c>. Written by the admin API and the <c>token</c> CLI command;
/// re-read when the file changes, so a token created by the CLI works on a running server.</summary>
public sealed class TokenStore
{
    public const string Prefix = "pypf_";
    private const string FileName = Catalog.StateFolder.Tokens;
    private readonly string path;
    private readonly Lock gate = new();
    private readonly ILogger<TokenStore> logger;
    private readonly TimeProvider time;
    private List<StoredToken> tokens = [];
    private Dictionary<string, StoredToken> byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredToken> internalTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> internalExpiry = new(StringComparer.Ordinal);
    private (long Length, DateTime Written) seen = (-1, default);
    private bool unreadable;
    private long lastAnyCheck = long.MinValue / 2;

    public TokenStore(IOptions<CatalogOptions> options, ILogger<TokenStore> logger, TimeProvider time)
        : this(options.Value.StatePath, logger, time)
    {
    }

    /// <param name="time">Token creation times, internal tokens' expiry and the once-a-second look at the file; default: the system clock.</param>
    public TokenStore(string stateDirectory, ILogger<TokenStore> logger, TimeProvider? time = null)
    {
        path = Path.Combine(stateDirectory, FileName);
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Whether any token exists. Asked for every unsigned loopback request, so the file is looked at no
    /// more than once a second here (a token created by the CLI counts within a second). A file that exists but
    /// cannot be read counts as holding tokens: it fails closed, so a damaged file never makes loopback admin again.</summary>
    public bool Any
    {
        get
        {
            var now = time.GetTimestamp();
            if (now - Volatile.Read(ref lastAnyCheck) > time.TimestampFrequency)
            {
                Current();
                Volatile.Write(ref lastAnyCheck, now);
            }

            lock (gate)
            {
                return unreadable || tokens.Count > 0;
            }
        }
    }

    /// <summary>Reads the file now; used at start-up so a damaged file is reported before the first request.</summary>
    public int Load() => Current().Count;

    public IReadOnlyList<StoredToken> List() => Current();

    /// <summary>The token's record, or null when no such token exists (revoked or never issued).</summary>
    public StoredToken? Find(string token)
    {
        Current();
        var hash = Hash(token);
        if (internalExpiry.TryGetValue(hash, out var expires) && expires <= time.GetUtcNow())
        {
            RevokeInternal(token);
        }

        lock (gate)
        {
            return byHash.GetValueOrDefault(hash) ?? internalTokens.GetValueOrDefault(hash);
        }
    }

    /// <summary>A token that lives only in this process (never written, never listed), for the server's own clients
    /// such as the embedded agent's pip reading a private index.</summary>
    /// <param name="expires">When it stops working by itself, even if nobody revokes it (a build's token whose agent died).</param>
    public string CreateInternal(string user, Permissions permissions, DateTimeOffset? expires = null)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(secret);
        if (expires is { } until)
        {
            internalExpiry[hash] = until;
        }

        internalTokens[hash] = new StoredToken("internal", user, PermissionNames.Format(permissions), null, time.GetUtcNow(), hash);
        return secret;
    }

    /// <summary>Ends a token made by <see cref="CreateInternal"/> (a no-op when it is gone already).</summary>
    public void RevokeInternal(string secret)
    {
        var hash = Hash(secret);
        internalTokens.TryRemove(hash, out _);
        internalExpiry.TryRemove(hash, out _);
    }

    /// <summary>Creates a token; the returned secret is shown once and never stored.</summary>
    public (StoredToken Token, string Secret) Create(string user, Permissions permissions, string? description)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new StoredToken(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            user,
            PermissionNames.Format(permissions),
            description,
            time.GetUtcNow(),
            Hash(secret));
        Update(list => [.. list, token]);
        return (token, secret);
    }

    /// <summary>Revokes a token by id; false when there is no such token.</summary>
    public bool Revoke(string id)
    {
        var found = false;
        Update(list =>
        {
            found = list.Any(t => t.Id == id);
            return [.. list.Where(t => t.Id != id)];
        });
        return found;
    }

    private void Update(Func<List<StoredToken>, List<StoredToken>> change)
    {
        Current();
        lock (gate)
        {
            var updated = change(tokens);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + $".{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(updated, TokenJsonContext.Default.ListStoredToken));
            File.Move(temporary, path, overwrite: true);
            Use(updated);
            unreadable = false;
            var info = new FileInfo(path);
            seen = (info.Length, info.LastWriteTimeUtc);
        }
    }

    private List<StoredToken> Current()
    {
        var info = new FileInfo(path);
        var stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, default(DateTime));
        lock (gate)
        {
            if (stamp == seen)
            {
                return tokens;
            }

            seen = stamp;
            unreadable = false;
            if (!info.Exists)
            {
                Use([]);
                return tokens;
            }

            var problem = Read(out var read);
            if (problem is null)
            {
                Use(read);
            }
            else
            {
                // Keep the tokens known so far rather than locking everyone out on a half-written file, but count the
                // file as holding tokens (see Any). Logged once per change of the file: `seen` holds its stamp.
                unreadable = true;
                AuthLog.TokensUnreadable(logger, path, problem);
            }

            return tokens;
        }
    }

    /// <summary>Why the file cannot be used, or null with its tokens.</summary>
    private string? Read(out List<StoredToken> read)
    {
        read = [];
        try
        {
            read = JsonSerializer.Deserialize(File.ReadAllBytes(path), TokenJsonContext.Default.ListStoredToken) ?? [];
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return ex.Message;
        }

        // Valid JSON is not yet a valid token list: an entry without a hash could never match, and a null one would
        // throw on every request.
        var broken = read.FindIndex(t => t is null || string.IsNullOrEmpty(t.Sha256) || string.IsNullOrEmpty(t.Id) || string.IsNullOrEmpty(t.User));
        if (broken >= 0)
        {
            return $"entry {broken + 1} lacks its id, user or sha256";
        }

        return read.DistinctBy(t => t.Sha256, StringComparer.Ordinal).Count() == read.Count ? null : "two entries have the same sha256";
    }

    private void Use(List<StoredToken> list)
    {
        tokens = list;
        byHash = list.ToDictionary(t => t.Sha256, StringComparer.Ordinal);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<StoredToken>))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
