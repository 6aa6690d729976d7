using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>PEP 440 parsing and normalization of the parts, for <see cref="PackageVersion"/>.</summary>
internal static partial class PackageVersionParser
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out PackageVersion? version)
    {
        version = null;
        if (text is null)
            return false;

        var trimmed = text.Trim();
        // Versions are ASCII. Checking before lower-casing keeps look-alikes out: the Kelvin
        // sign (U+212A) would otherwise become "k" and pass.
        if (trimmed.Length == 0 || !Ascii.IsValid(trimmed))
            return false;

        var match = VersionPattern().Match(trimmed.ToLowerInvariant());
        if (!match.Success)
            return false;

        var epoch = 0;
        if (match.Groups["epoch"].Success && !int.TryParse(match.Groups["epoch"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
            return false;

        var releaseText = match.Groups["release"].Value.Split('.');
        var release = new long[releaseText.Length];
        for (var i = 0; i < releaseText.Length; i++)
        {
            if (!TryParseNumber(releaseText[i], out release[i]))
                return false;
        }

        string? preLabel = null;
        long? preNumber = null;
        if (match.Groups["pre_l"].Success)
        {
            preLabel = match.Groups["pre_l"].Value switch
            {
                "a" or "alpha" => "a",
                "b" or "beta" => "b",
                _ => "rc", // c, rc, pre, preview
            };
            if (!TryParseOptionalNumber(match.Groups["pre_n"], out var n))
                return false;
            preNumber = n;
        }

        long? post = null;
        if (match.Groups["post_n1"].Success || match.Groups["post_l"].Success)
        {
            var group = match.Groups["post_n1"].Success ? match.Groups["post_n1"] : match.Groups["post_n2"];
            if (!TryParseOptionalNumber(group, out var n))
                return false;
            post = n;
        }

        long? dev = null;
        if (match.Groups["dev"].Success)
        {
            if (!TryParseOptionalNumber(match.Groups["dev_n"], out var n))
                return false;
            dev = n;
        }

        var local = match.Groups["local"].Success
            ? LocalSeparators().Split(match.Groups["local"].Value).Select(NormalizeLocalSegment).ToArray()
            : [];

        version = new PackageVersion(text, epoch, release, preLabel, preNumber, post, dev, local);
        return true;
    }

    private static string NormalizeLocalSegment(string segment)
    {
        if (!segment.All(char.IsAsciiDigit))
            return segment;
        var trimmed = segment.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static bool TryParseNumber(string digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    // An omitted number means 0 (1.0a == 1.0a0, 1.0.post == 1.0.post0).
    private static bool TryParseOptionalNumber(Group group, out long value)
    {
        value = 0;
        return !group.Success || TryParseNumber(group.Value, out value);
    }

    [GeneratedRegex("[-_.]", RegexOptions.CultureInvariant)]
    private static partial Regex LocalSeparators();

    // The PEP 440 appendix pattern, matched against the lower-cased text. [0-9] rather than \d,
    // which would accept other scripts' digits.
    [GeneratedRegex(
        """
        \A v?
        (?: (?<epoch>[0-9]+) ! )?
        (?<release>[0-9]+ (?:\.[0-9]+)* )
        (?: [-_.]? (?<pre_l>alpha|a|beta|b|preview|pre|c|rc) [-_.]? (?<pre_n>[0-9]+)? )?
        (?: - (?<post_n1>[0-9]+) | [-_.]? (?<post_l>post|rev|r) [-_.]? (?<post_n2>[0-9]+)? )?
        (?<dev> [-_.]? dev [-_.]? (?<dev_n>[0-9]+)? )?
        (?: \+ (?<local>[a-z0-9]+ (?:[-_.][a-z0-9]+)* ) )?
        \z
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
