using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace PypiForge.Packaging;

/// <summary>
/// A PEP 508 name-based requirement as accepted in a build request: a project name, optional
/// extras, optional version specifiers and an optional environment marker. URLs, local paths,
/// direct references (<c>name @ url</c>) and pip options are refused, so that what reaches
/// <c>pip wheel</c> can only ever name a project on the index.
/// </summary>
/// <param name="Name">The project name as written.</param>
/// <param name="Extras">The extras as written, in order.</param>
/// <param name="Specifier">The version specifiers as written, without whitespace or
/// parentheses (<c>&gt;=1.0,&lt;2</c>); empty when there are none.</param>
/// <param name="Marker">The marker with single spaces and double-quoted strings
/// (<c>python_version &gt;= "3.8"</c>), or null.</param>
public sealed record Requirement(string Name, IReadOnlyList<string> Extras, string Specifier, string? Marker)
{
    /// <summary>
    /// Longest text accepted. Real requirements are far shorter; the limit keeps a build
    /// request from carrying arbitrary amounts of text to the build agents.
    /// </summary>
    public const int MaxLength = 1000;

    public string NormalizedName => ProjectName.Normalize(Name);

    /// <summary>
    /// The canonical text, e.g. <c>name[extra1,extra2]&gt;=1.0,&lt;2; python_version &gt;= "3.8"</c>:
    /// normalized name, extras normalized (PEP 685), de-duplicated and sorted, specifiers
    /// without whitespace, marker with single spaces. Two requests for the same thing have the
    /// same text, which is what builds are de-duplicated by.
    /// </summary>
    public override string ToString()
    {
        var builder = new StringBuilder(NormalizedName);
        var extras = Extras.Select(ProjectName.Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (extras.Count > 0)
            builder.Append('[').AppendJoin(',', extras).Append(']');
        builder.Append(Specifier);
        if (Marker is not null)
            builder.Append("; ").Append(Marker);
        return builder.ToString();
    }

    /// <summary>
    /// Requirements are equal when their canonical texts are (<c>Flask==1.0</c> and
    /// <c>flask == 1.0</c>). The record's own equality would compare <see cref="Extras"/> by
    /// reference, making two parses of the same text unequal.
    /// </summary>
    public bool Equals(Requirement? other) =>
        other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>
    /// Parses a PEP 508 name-based requirement. On failure <paramref name="error"/> says which
    /// part is wrong and shows a valid example, for the person who typed the request.
    /// </summary>
    public static bool TryParse(
        string? text, [NotNullWhen(true)] out Requirement? requirement, [NotNullWhen(false)] out string? error)
    {
        requirement = null;
        error = string.IsNullOrEmpty(text)
            ? $"The requirement is empty: give a project name, e.g. {RequirementParser.Example}."
            : CheckWholeText(text);
        return error is null && RequirementParser.TryParse(text!, out requirement, out error);
    }

    public static Requirement Parse(string text) =>
        TryParse(text, out var requirement, out var error) ? requirement : throw new FormatException(error);

    /// <summary>
    /// Refusals that concern the text as a whole, and the ones that deserve a message naming
    /// what the text is (an option, a URL) rather than the character where parsing stops.
    /// </summary>
    private static string? CheckWholeText(string text)
    {
        if (text.Length > MaxLength)
            return $"The requirement is {text.Length} characters long; at most {MaxLength} are accepted. Give one requirement per entry, e.g. {RequirementParser.Example}.";

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r')
                return $"The requirement contains a line break (at position {i + 1}): give one requirement per entry, e.g. {RequirementParser.Example}.";
            // Tab is whitespace in the PEP 508 grammar; no other control character is.
            if (char.IsControl(c) && c != '\t')
                return $"The requirement contains the control character {CodePoint(c)} at position {i + 1}; requirements are plain text, e.g. {RequirementParser.Example}.";
            if (!char.IsAscii(c))
                return $"The requirement contains the non-ASCII character {CodePoint(c)} at position {i + 1}; names, versions and markers are ASCII, e.g. {RequirementParser.Example}.";
        }

        var trimmed = text.Trim(' ', '\t');
        if (trimmed.Length == 0)
            return $"The requirement is blank: give a project name, e.g. {RequirementParser.Example}.";

        if (trimmed[0] == '-')
        {
            var option = trimmed[..RequirementParser.IndexOfAnyOrEnd(trimmed, 0, " \t=")];
            return $"'{option}' is a pip option, not a requirement: list requirements one per entry, e.g. {RequirementParser.Example}.";
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var start = scheme;
            while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '-' or '.'))
                start--;
            var url = text[start..RequirementParser.IndexOfAnyOrEnd(text, scheme, " \t;'\"")];
            return $"'{url}' is a URL: direct references (name @ url) and links to files are not accepted; ask for a project by name and version, e.g. {RequirementParser.Example}.";
        }

        return null;
    }

    private static string CodePoint(char c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
