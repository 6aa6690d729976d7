using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PypiForge.Packaging;

/// <summary>
/// Recursive-descent parser for PEP 508 name-based requirements, for <see cref="Requirement"/>.
/// Only what the grammar allows gets through, so shell metacharacters, options, paths and URLs
/// are refused without a list of them. Errors are read by the person who typed the request:
/// each names the offending part and ends with a valid example.
/// </summary>
internal sealed class RequirementParser
{
    internal const string Example = "flask==3.0.3";

    private const string ExtrasExample = "requests[security,socks]>=2.8";

    private const string OperatorList = "==, !=, <=, >=, <, >, ~= or ===";

    // Longest first, so that "===" is not read as "==" followed by "=".
    private static readonly string[] VersionOperators = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

    private readonly string _text;
    private int _pos;
    private string? _error;

    private RequirementParser(string text) => _text = text;

    private bool AtEnd => _pos >= _text.Length;

    /// <summary>
    /// Parses text that <see cref="Requirement.TryParse"/> has already checked as a whole
    /// (not blank, not too long, ASCII without control characters other than tab).
    /// </summary>
    public static bool TryParse(
        string text, [NotNullWhen(true)] out Requirement? requirement, [NotNullWhen(false)] out string? error)
    {
        var parser = new RequirementParser(text);
        var parsed = parser.ParseRequirement(out requirement);
        error = parser._error;
        return parsed;
    }

    private bool ParseRequirement([NotNullWhen(true)] out Requirement? requirement)
    {
        requirement = null;
        SkipSpace();
        if (!ReadName(out var name))
            return false;

        SkipSpace();
        var extras = new List<string>();
        if (Peek() == '[' && !ReadExtras(extras))
            return false;

        SkipSpace();
        var specifier = "";
        if (Peek() == '(')
        {
            if (!ReadParenthesizedSpecifiers(name, out specifier))
                return false;
        }
        else if (IsOperatorStart(Peek()) && !ReadSpecifiers(name, out specifier))
        {
            return false;
        }

        SkipSpace();
        string? marker = null;
        if (Peek() == ';')
        {
            if (!RequirementMarkerParser.TryParse(_text, _pos + 1, out marker, out var markerError))
                return Fail(markerError);
        }
        else if (!AtEnd)
        {
            return Fail(Unexpected(name, specifier));
        }

        requirement = new Requirement(name, extras.AsReadOnly(), specifier, marker);
        return true;
    }

    private bool ReadName(out string name)
    {
        var start = _pos;
        name = "";
        if (Peek() is '.' or '/' or '\\' or '~')
            return Fail(LocalPath(start));
        if (!char.IsAsciiLetterOrDigit(Peek()))
            return Fail($"A requirement starts with a project name, but this one starts with {Describe(_text, _pos)}: names are letters, digits, '.', '_' and '-', e.g. {Example}.");

        while (IsNameChar(Peek()))
            _pos++;
        name = _text[start.._pos];

        if (Peek() is '/' or '\\')
            return Fail(LocalPath(start));
        if (name.Length > ProjectName.MaxLength)
            return Fail($"The project name is {name.Length} characters long; at most {ProjectName.MaxLength} are accepted, e.g. {Example}.");
        if (!ProjectName.IsValid(name))
            return Fail($"'{name}' is not a valid project name: names are letters and digits, with '.', '_' or '-' only between them, e.g. flask-login==0.6.3.");
        return true;
    }

    private bool ReadExtras(List<string> extras)
    {
        var open = _pos++;
        SkipSpace();
        if (TryConsume(']'))
            return true;
        while (true)
        {
            SkipSpace();
            var start = _pos;
            while (IsNameChar(Peek()))
                _pos++;
            var extra = _text[start.._pos];
            if (extra.Length == 0)
                return Fail(ExtrasError(open));
            if (!ProjectName.IsValid(extra))
                return Fail($"'{extra}' is not a valid extra name: extras are letters and digits, with '.', '_' or '-' only between them, e.g. {ExtrasExample}.");
            extras.Add(extra);

            SkipSpace();
            if (TryConsume(']'))
                return true;
            if (!TryConsume(','))
                return Fail(ExtrasError(open));
        }
    }

    private string ExtrasError(int open) => AtEnd
        ? $"The extras list '{_text[open..].TrimEnd()}' is not closed with ']', e.g. {ExtrasExample}."
        : $"Unexpected {Describe(_text, _pos)} in the extras list '{_text[open..(_pos + 1)]}': extras are names separated by commas, e.g. {ExtrasExample}.";

    private bool ReadParenthesizedSpecifiers(string name, out string specifier)
    {
        _pos++;
        if (!ReadSpecifiers(name, out specifier))
            return false;
        SkipSpace();
        if (TryConsume(')'))
            return true;
        return Fail(AtEnd
            ? $"The '(' before the version specifiers of '{name}' is not closed with ')', e.g. {name} (>=1.0,<2)."
            : $"Unexpected {Describe(_text, _pos)} in the version specifiers of '{name}', where ',' or ')' was expected, e.g. {name} (>=1.0,<2).");
    }

    private bool ReadSpecifiers(string name, out string specifier)
    {
        var builder = new StringBuilder();
        specifier = "";
        while (true)
        {
            SkipSpace();
            var op = Array.Find(VersionOperators, o => _text.AsSpan(_pos).StartsWith(o, StringComparison.Ordinal));
            if (op is null)
                return Fail(MissingOperator(name, builder.Length > 0));
            _pos += op.Length;

            SkipSpace();
            var start = _pos;
            while (IsVersionChar(Peek()))
                _pos++;
            var version = _text[start.._pos];
            if (version.Length == 0)
            {
                var found = AtEnd ? "" : $", not {Describe(_text, _pos)}";
                return Fail($"'{op}' must be followed by a version{found}, e.g. {name}{op}{SampleVersion(op)}.");
            }
            if (CheckVersion(name, op, version) is { } problem)
                return Fail(problem);
            builder.Append(op).Append(version);

            SkipSpace();
            if (!TryConsume(','))
                break;
            builder.Append(',');
        }
        specifier = builder.ToString();
        return true;
    }

    private string MissingOperator(string name, bool afterComma)
    {
        if (AtEnd)
            return $"The version specifiers of '{name}' end with ',': remove it or add another specifier, e.g. {name}>=1.0,<2.";
        var end = _pos;
        while (end < _text.Length && IsOperatorStart(_text[end]))
            end++;
        if (end > _pos)
            return $"'{_text[_pos..end]}' is not a version operator: use {OperatorList}, e.g. {name}=={SampleVersion("==")}.";
        var where = afterComma ? "after ','" : "here";
        return $"Expected a version operator ({OperatorList}) {where}, not {Describe(_text, _pos)}, e.g. {name}>=1.0,<2.";
    }

    /// <summary>The PEP 440 rules for the version after each operator, as packaging applies them.</summary>
    private static string? CheckVersion(string name, string op, string version)
    {
        // Arbitrary equality compares text, not versions.
        if (op == "===")
            return null;

        var candidate = version;
        var wildcard = false;
        if (op is "==" or "!=" && version.EndsWith(".*", StringComparison.Ordinal))
        {
            candidate = version[..^2];
            wildcard = true;
        }
        if (candidate.Contains('*', StringComparison.Ordinal))
            return $"'{op}{version}': a wildcard is only allowed as a final '.*' after == or !=, e.g. {name}==1.*.";
        if (!PackageVersion.TryParse(candidate, out var parsed))
            return $"'{version}' in '{op}{version}' is not a valid PEP 440 version, e.g. {name}{op}{SampleVersion(op)}.";
        if (wildcard && (parsed.PreReleaseLabel is not null || parsed.IsPostRelease || parsed.IsDevRelease || parsed.Local is not null))
            return $"'{op}{version}': a '.*' wildcard may only follow release numbers, e.g. {name}{op}1.0.*.";
        if (parsed.Local is not null && op is not ("==" or "!="))
            return $"'{op}{version}': a local version ('+{parsed.Local}') is only allowed after == or !=, e.g. {name}=={version}.";
        if (op == "~=" && parsed.Release.Count < 2)
            return $"'~={version}' needs at least two release numbers ('~=1.4' means '>=1.4,==1.*'), e.g. {name}~=1.4.";
        return null;
    }

    private string Unexpected(string name, string specifier)
    {
        var c = _text[_pos];
        if (c == '@')
            return $"Direct references ('{name} @ ...') are not accepted: ask for a version from the index instead, e.g. {name}==1.0.";
        // "C:\x" stops at ':', but the text around it is still a path.
        if (Token(_text, _pos).AsSpan().IndexOfAny('/', '\\') >= 0)
            return LocalPath(_pos);
        if (c == '[')
            return $"Extras go right after the project name, before any version specifier, e.g. requests[security]>=2.8.";
        if (IsOperatorStart(c) && specifier.Length > 0)
            return $"Version specifiers are separated by commas: put ',' before '{Token(_text, _pos)}', e.g. {name}>=1.0,<2.";
        return $"Unexpected {Describe(_text, _pos)} after '{_text[.._pos].Trim(' ', '\t')}': a requirement is a project name with optional [extras], version specifiers and '; marker', e.g. requests[security]>=2.8,<3; python_version >= \"3.8\".";
    }

    private string LocalPath(int at) =>
        $"'{Token(_text, at)}' looks like a local path: only projects on the index can be requested, by name and version, e.g. {Example}.";

    private bool Fail(string message)
    {
        _error = message;
        return false;
    }

    // NUL is refused before parsing, so it can stand for the end.
    private char Peek() => AtEnd ? '\0' : _text[_pos];

    private bool TryConsume(char c)
    {
        if (Peek() != c)
            return false;
        _pos++;
        return true;
    }

    private void SkipSpace()
    {
        while (Peek() is ' ' or '\t')
            _pos++;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    // PEP 508: version = wsp* (letterOrDigit | '-' | '_' | '.' | '*' | '+' | '!')+
    private static bool IsVersionChar(char c) => IsNameChar(c) || c is '*' or '+' or '!';

    private static bool IsOperatorStart(char c) => c is '<' or '>' or '=' or '!' or '~';

    private static string SampleVersion(string op) => op == "~=" ? "1.4" : "1.0";

    internal static int IndexOfAnyOrEnd(string text, int start, string stops)
    {
        var index = text.AsSpan(start).IndexOfAny(stops);
        return index < 0 ? text.Length : start + index;
    }

    /// <summary>The whitespace-delimited run of text around <paramref name="at"/>.</summary>
    internal static string Token(string text, int at)
    {
        var start = at;
        while (start > 0 && text[start - 1] is not (' ' or '\t'))
            start--;
        return text[start..IndexOfAnyOrEnd(text, at, " \t")];
    }

    /// <summary>How to name what was found at <paramref name="at"/>: a word, or a character.</summary>
    internal static string Describe(string text, int at)
    {
        if (at >= text.Length)
            return "the end";
        var c = text[at];
        if (char.IsAsciiLetterOrDigit(c) || c == '_')
        {
            var end = at;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.' or '-'))
                end++;
            return $"'{text[at..end]}'";
        }
        return c == '\'' ? "\"'\"" : $"'{c}'";
    }
}
