using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PypiForge.Server.Catalog;

/// <summary>What the catalog remembers about a file across restarts, keyed by path, valid while size and mtime match.
/// Files that could not be read are remembered too (with <see cref="Error"/>), so they are logged once, not at every start.
/// <see cref="Check"/> is a short digest of the other fields, written with the entry: an entry edited by hand or damaged
/// no longer matches it, and its file is read again instead of trusted.</summary>
public sealed record PersistedFile(
    string Path,
    long Size,
    long LastWriteTicks,
    string? Sha256,
    string? MetadataSha256,
    string? MetadataName,
    string? RequiresPython,
    DateTimeOffset UploadTime,
    string? Yanked,
    string? Error,
    long? MetadataOffset = null,
    int? MetadataLength = null,
    string? UploadedBy = null,
    string? Check = null)
{
    /// <summary>True when the entry matches its <see cref="Check"/>, or has none (a state file from before checks).</summary>
    public bool IsIntact
    {
        get
        {
            if (Check is null)
                return true;

            Span<char> computed = stackalloc char[CheckLength];
            return WriteCheck(computed) && computed.SequenceEqual(Check);
        }
    }

    /// <summary>The entry with its <see cref="Check"/> computed, as it is written.</summary>
    public PersistedFile Sealed()
    {
        Span<char> computed = stackalloc char[CheckLength];
        return WriteCheck(computed) ? this with { Check = new string(computed) } : this with { Check = ComputeCheckSlowly() };
    }

    private const int CheckLength = 16;
    private const char Absent = '\u0001';
    private const string AbsentText = "\u0001";

    // 64 bits of sha256 over every field, joined by '\n'. Checked for every entry at each start (tens of thousands), so it
    // is computed in one pooled buffer without a string per field; the digest is the same as ComputeCheckSlowly's.
    private bool WriteCheck(Span<char> hex)
    {
        var chars = System.Buffers.ArrayPool<char>.Shared.Rent(512 + Path.Length + (MetadataName?.Length ?? 0) + (RequiresPython?.Length ?? 0)
            + (Yanked?.Length ?? 0) + (Error?.Length ?? 0) + (UploadedBy?.Length ?? 0) + (Sha256?.Length ?? 0) + (MetadataSha256?.Length ?? 0));
        byte[]? bytes = null;
        try
        {
            var length = 0;
            var ok = Text(ref length, Path) && Number(ref length, Size) && Number(ref length, LastWriteTicks)
                && Text(ref length, Sha256) && Text(ref length, MetadataSha256) && Text(ref length, MetadataName) && Text(ref length, RequiresPython)
                && Number(ref length, UploadTime.UtcTicks) && Text(ref length, Yanked) && Text(ref length, Error)
                && Number(ref length, MetadataOffset) && Number(ref length, MetadataLength) && Text(ref length, UploadedBy, last: true);
            if (!ok)
                return false;

            bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(length));
            var count = Encoding.UTF8.GetBytes(chars.AsSpan(0, length), bytes);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes.AsSpan(0, count), digest);
            return Convert.TryToHexStringLower(digest[..(CheckLength / 2)], hex, out _);

            bool Text(ref int at, string? value, bool last = false)
            {
                var part = value is null ? AbsentText : value.AsSpan();
                if (!part.TryCopyTo(chars.AsSpan(at)))
                    return false;
                at += part.Length;
                return last || Separator(ref at);
            }

            bool Number(ref int at, long? value)
            {
                if (value is null)
                    return Text(ref at, null);
                if (!value.Value.TryFormat(chars.AsSpan(at), out var written, provider: CultureInfo.InvariantCulture))
                    return false;
                at += written;
                return Separator(ref at);
            }

            bool Separator(ref int at)
            {
                if (at >= chars.Length)
                    return false;
                chars[at++] = '\n';
                return true;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
            if (bytes is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // The definition of the check, kept as the reference the fast path is tested against (and the fallback it never needs).
    internal string ComputeCheckSlowly()
    {
        var text = string.Join('\n',
            Path,
            Size.ToString(CultureInfo.InvariantCulture),
            LastWriteTicks.ToString(CultureInfo.InvariantCulture),
            Sha256 ?? $"{Absent}",
            MetadataSha256 ?? $"{Absent}",
            MetadataName ?? $"{Absent}",
            RequiresPython ?? $"{Absent}",
            UploadTime.UtcTicks.ToString(CultureInfo.InvariantCulture),
            Yanked ?? $"{Absent}",
            Error ?? $"{Absent}",
            MetadataOffset?.ToString(CultureInfo.InvariantCulture) ?? $"{Absent}",
            MetadataLength?.ToString(CultureInfo.InvariantCulture) ?? $"{Absent}",
            UploadedBy ?? $"{Absent}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, CheckLength / 2));
    }

    public bool Matches(long size, DateTimeOffset lastWriteUtc) =>
        Size == size && LastWriteTicks == lastWriteUtc.UtcTicks;
}
