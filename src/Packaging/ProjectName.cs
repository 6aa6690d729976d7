using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>
/// Project names as PEP 503 (normalization) and PEP 508 (valid names) define them.
/// </summary>
public static partial class ProjectName
{
    /// <summary>
    /// Longest name accepted. The PEPs set no limit; one is needed so that names can be
    /// used as keys and path segments without surprises.
    /// </summary>
    public const int MaxLength = 200;

    /// <summary>
    /// PEP 503 normalization: runs of <c>-</c>, <c>_</c> and <c>.</c> become one <c>-</c>,
    /// and the result is lower case. Two names that normalize alike are the same project.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Most names are already normal (lower case, single '-' separators): the same string, nothing allocated.
        return IsAlreadyNormal(name) ? name : SeparatorRuns().Replace(name, "-").ToLowerInvariant();
    }

    /// <summary>
    /// PEP 508 name: ASCII letters and digits, with <c>.</c>, <c>_</c> and <c>-</c> allowed
    /// only between them; 1 to <see cref="MaxLength"/> characters.
    /// </summary>
    public static bool IsValid(string name) =>
        name is { Length: > 0 and <= MaxLength } && ValidName().IsMatch(name);

    /// <summary>A valid name that is already in its PEP 503 normal form.</summary>
    public static bool IsNormalized(string name) =>
        IsValid(name) && string.Equals(Normalize(name), name, StringComparison.Ordinal);

    /// <summary>
    /// The spelling used inside file names (PEP 427 wheels, PEP 625 sdists): the normalized
    /// name with <c>-</c> replaced by <c>_</c>, so that <c>-</c> can separate the fields.
    /// </summary>
    public static string ToFileNameComponent(string name) => Normalize(name).Replace('-', '_');

    // Only ASCII lower-case letters, digits and single '-': what the replacement and lower-casing leave unchanged.
    private static bool IsAlreadyNormal(string name)
    {
        var previous = '\0';
        foreach (var c in name)
        {
            if (c == '-' ? previous == '-' : !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
                return false;
            previous = c;
        }

        return true;
    }

    [GeneratedRegex("[-_.]+", RegexOptions.CultureInvariant)]
    private static partial Regex SeparatorRuns();

    // Explicit a-z/A-Z rather than IgnoreCase: .NET's case folding would let the Kelvin
    // sign (U+212A) match "k". \z rather than $, which also matches before a final "\n".
    [GeneratedRegex(@"\A(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
