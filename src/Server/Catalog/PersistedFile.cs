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
    public bool IsIntact => Check is null || Check == ComputeCheck();

    /// <summary>The entry with its <see cref="Check"/> computed, as it is written.</summary>
    public PersistedFile Sealed() => this with { Check = ComputeCheck() };

    // 64 bits of sha256 over every field: a few hundred nanoseconds an entry, so checking tens of thousands at start is cheap.
    private string ComputeCheck()
    {
        const char Absent = '\u0001';
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    public bool Matches(long size, DateTimeOffset lastWriteUtc) =>
        Size == size && LastWriteTicks == lastWriteUtc.UtcTicks;
}
