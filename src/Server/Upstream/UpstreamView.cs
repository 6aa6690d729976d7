using System.Collections.Frozen;

namespace PypiForge.Server.Upstream;

/// <summary>What of an upstream listing is offered at one moment: the files past the cooldown (or let through by
/// <c>Upstream:AllowFresh</c>), and the files held back, by name, with the reason a client is told. Made by
/// <see cref="ReleaseCooldown"/>; valid until <see cref="Until"/> (the first held file's time comes, or an allowance
/// in use expires), or until an allowance is granted or revoked.</summary>
public sealed class UpstreamView(
    IReadOnlyList<UpstreamFile> files,
    IReadOnlyDictionary<string, string> held,
    IReadOnlyDictionary<string, AllowFreshEntry> letThrough,
    DateTimeOffset until,
    long generation = 0)
{
    /// <summary>The files that may be offered and served now.</summary>
    public IReadOnlyList<UpstreamFile> Files { get; } = files;

    /// <summary>Held files by name, with why and until when.</summary>
    public FrozenDictionary<string, string> Held { get; } = held.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Files the cooldown would hold, let through by the entry named.</summary>
    public FrozenDictionary<string, AllowFreshEntry> LetThrough { get; } = letThrough.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The <see cref="FreshAllowances.Generation"/> it was made with: a grant or revoke since makes it stale.</summary>
    public long Generation { get; } = generation;

    /// <summary>When this view stops being true (<see cref="DateTimeOffset.MaxValue"/> when nothing is waiting for a time).</summary>
    public DateTimeOffset Until { get; } = until;
}
