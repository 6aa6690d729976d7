using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace PypiForge.Packaging;

/// <summary>
/// A PEP 440 version. Parsing accepts every spelling the PEP's normalization rules allow;
/// <see cref="Normalized"/> is the canonical form. Ordering and equality follow the PEP:
/// epoch, release (trailing zeros ignored, so 1.0 == 1.0.0), pre-release (a &lt; b &lt; rc),
/// post-release, dev-release, local version.
/// </summary>
public sealed class PackageVersion : IComparable<PackageVersion>, IEquatable<PackageVersion>
{
    private readonly long[] _release;

    // Lower case, numeric segments without leading zeros, so that equal segments are equal strings.
    private readonly string[] _local;

    internal PackageVersion(
        string original, int epoch, long[] release, string? preLabel, long? preNumber, long? post, long? dev, string[] local)
    {
        Original = original;
        Epoch = epoch;
        _release = release;
        Release = Array.AsReadOnly(release);
        PreReleaseLabel = preLabel;
        PreReleaseNumber = preNumber;
        PostNumber = post;
        DevNumber = dev;
        _local = local;
        Local = local.Length == 0 ? null : string.Join('.', local);
        PublicVersion = FormatPublic();
        Normalized = Local is null ? PublicVersion : PublicVersion + "+" + Local;
    }

    /// <summary>The text as given to <see cref="Parse"/> or <see cref="TryParse"/>.</summary>
    public string Original { get; }

    /// <summary>The canonical form, e.g. <c>1.0a1</c> or <c>1!2.0.post1.dev3+abc.5</c>.</summary>
    public string Normalized { get; }

    /// <summary>The normalized version without its local part.</summary>
    public string PublicVersion { get; }

    public int Epoch { get; }

    /// <summary>The release numbers as written (1.0.0 keeps its three numbers).</summary>
    public IReadOnlyList<long> Release { get; }

    /// <summary><c>a</c>, <c>b</c>, <c>rc</c>, or null when this is not a pre-release.</summary>
    public string? PreReleaseLabel { get; }

    public long? PreReleaseNumber { get; }

    public long? PostNumber { get; }

    public long? DevNumber { get; }

    /// <summary>The normalized local version (after <c>+</c>), or null.</summary>
    public string? Local { get; }

    /// <summary>Has a pre-release or a dev-release segment; installers skip these by default.</summary>
    public bool IsPrerelease => PreReleaseLabel is not null || DevNumber is not null;

    public bool IsDevRelease => DevNumber is not null;

    public bool IsPostRelease => PostNumber is not null;

    /// <summary>
    /// Parses any spelling PEP 440 normalizes: case, a leading <c>v</c>, surrounding whitespace,
    /// alternate words (alpha, beta, c, pre, preview, rev, r), separators, implicit numbers and
    /// implicit post-releases (<c>1.0-1</c>). Fails for invalid text and for numbers too large
    /// for <see cref="long"/> (an epoch for <see cref="int"/>).
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PackageVersion? version)
    {
        // Versions are immutable and the same texts come back for every file of a release and at every start (the catalog
        // parses each file name's version): parsed ones are kept, up to MaxRemembered texts.
        if (text is not null && Remembered.TryGetValue(text, out version))
            return true;

        if (!PackageVersionParser.TryParse(text, out version))
            return false;

        if (Remembered.Count < MaxRemembered)
            Remembered.TryAdd(version.Original, version);
        return true;
    }

    private const int MaxRemembered = 16_384;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PackageVersion> Remembered = new(StringComparer.Ordinal);

    public static PackageVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not a valid PEP 440 version.");

    public override string ToString() => Normalized;

    public int CompareTo(PackageVersion? other)
    {
        if (other is null)
            return 1;
        if (ReferenceEquals(this, other))
            return 0;

        var result = Epoch.CompareTo(other.Epoch);
        if (result == 0)
            result = CompareRelease(_release, other._release);
        if (result == 0)
            result = ComparePreRelease(this, other);
        if (result == 0)
            result = CompareOptional(PostNumber, other.PostNumber, missingSortsFirst: true);
        if (result == 0)
            result = CompareOptional(DevNumber, other.DevNumber, missingSortsFirst: false);
        if (result == 0)
            result = CompareLocal(_local, other._local);
        return result;
    }

    public bool Equals(PackageVersion? other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is PackageVersion other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        // Trailing zeros do not count: 1.0 and 1.0.0 must hash alike.
        var significant = _release.Length;
        while (significant > 1 && _release[significant - 1] == 0)
            significant--;
        for (var i = 0; i < significant; i++)
            hash.Add(_release[i]);
        hash.Add(PreReleaseRank(this));
        hash.Add(PreReleaseLabel);
        hash.Add(PreReleaseNumber);
        hash.Add(PostNumber);
        hash.Add(DevNumber);
        hash.Add(Local);
        return hash.ToHashCode();
    }

    public static bool operator ==(PackageVersion? left, PackageVersion? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(PackageVersion? left, PackageVersion? right) => !(left == right);

    public static bool operator <(PackageVersion? left, PackageVersion? right) =>
        left is null ? right is not null : left.CompareTo(right) < 0;

    public static bool operator <=(PackageVersion? left, PackageVersion? right) =>
        left is null || left.CompareTo(right) <= 0;

    public static bool operator >(PackageVersion? left, PackageVersion? right) =>
        left is not null && left.CompareTo(right) > 0;

    public static bool operator >=(PackageVersion? left, PackageVersion? right) =>
        left is null ? right is null : left.CompareTo(right) >= 0;

    private string FormatPublic()
    {
        var builder = new StringBuilder();
        if (Epoch != 0)
            builder.Append(Epoch.ToString(CultureInfo.InvariantCulture)).Append('!');
        builder.AppendJoin('.', _release.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        if (PreReleaseLabel is not null)
            builder.Append(PreReleaseLabel).Append(Format(PreReleaseNumber));
        if (PostNumber is not null)
            builder.Append(".post").Append(Format(PostNumber));
        if (DevNumber is not null)
            builder.Append(".dev").Append(Format(DevNumber));
        return builder.ToString();
    }

    private static string Format(long? number) => number!.Value.ToString(CultureInfo.InvariantCulture);

    private static int CompareRelease(long[] left, long[] right)
    {
        // Missing numbers count as zeros: 1.0 == 1.0.0 < 1.0.1.
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var result = (i < left.Length ? left[i] : 0).CompareTo(i < right.Length ? right[i] : 0);
            if (result != 0)
                return result;
        }
        return 0;
    }

    // A dev release of a final version (1.0.dev0) sorts before its pre-releases (1.0a0), and a
    // version without a pre-release sorts after them. Post releases of a dev-only version
    // (1.0.post1.dev0) are not affected: they sort after 1.0.
    private static int PreReleaseRank(PackageVersion v) =>
        v.PreReleaseLabel is not null ? 0 : v.PostNumber is null && v.DevNumber is not null ? -1 : 1;

    private static int ComparePreRelease(PackageVersion left, PackageVersion right)
    {
        var result = PreReleaseRank(left).CompareTo(PreReleaseRank(right));
        if (result != 0 || left.PreReleaseLabel is null)
            return result;
        // "a" < "b" < "rc" holds in ordinal order.
        result = string.CompareOrdinal(left.PreReleaseLabel, right.PreReleaseLabel);
        return result != 0 ? result : Nullable.Compare(left.PreReleaseNumber, right.PreReleaseNumber);
    }

    private static int CompareOptional(long? left, long? right, bool missingSortsFirst)
    {
        if (left is null || right is null)
        {
            var presence = (left is null ? 0 : 1).CompareTo(right is null ? 0 : 1);
            return missingSortsFirst ? presence : -presence;
        }
        return left.Value.CompareTo(right.Value);
    }

    // PEP 440: no local version sorts first; segments compare one by one, numbers numerically,
    // letters lexically, a number above any letters; a longer local version wins a tie.
    private static int CompareLocal(string[] left, string[] right)
    {
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var leftNumeric = IsDigits(left[i]);
            var rightNumeric = IsDigits(right[i]);
            int result;
            if (leftNumeric != rightNumeric)
                result = leftNumeric ? 1 : -1;
            else if (leftNumeric)
                // Leading zeros are gone, so a longer number is a bigger one; no size limit.
                result = left[i].Length != right[i].Length
                    ? left[i].Length.CompareTo(right[i].Length)
                    : string.CompareOrdinal(left[i], right[i]);
            else
                result = string.CompareOrdinal(left[i], right[i]);
            if (result != 0)
                return result;
        }
        return left.Length.CompareTo(right.Length);
    }

    private static bool IsDigits(string text) => text.All(char.IsAsciiDigit);
}
