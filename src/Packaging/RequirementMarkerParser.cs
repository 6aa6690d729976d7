using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PypiForge.Packaging;

/// <summary>
/// Recursive-descent parser for PEP 508 environment markers (the part after <c>;</c>), for
/// <see cref="RequirementParser"/>. Produces the marker's canonical text: single spaces,
/// double-quoted strings, parentheses where they were written.
/// </summary>
/// <remarks>
/// Grammar, from PEP 508:
/// <code>
/// marker      = marker_and ('or' marker_and)*
/// marker_and  = marker_expr ('and' marker_expr)*
/// marker_expr = marker_var marker_op marker_var | '(' marker ')'
/// marker_var  = env_var | python_str
/// marker_op   = version_cmp | 'in' | 'not' wsp+ 'in'
/// </code>
/// One side of each comparison must be a variable and the other a string: pip's evaluator
/// fails on two strings and silently compares a variable's name on two variables.
/// </remarks>
internal sealed class RequirementMarkerParser
{
    private const string Example = "flask==3.0.3; python_version >= \"3.8\"";

    private static readonly string[] Variables =
    [
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
        "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
        "implementation_name", "implementation_version", "extra",
    ];

    // Longest first, so that "===" is not read as "==" followed by "=".
    private static readonly string[] Comparisons = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

    private const string ComparisonList = "==, !=, <, <=, >, >=, ~=, ===, in or not in";

    private readonly string _text;
    private readonly int _start;
    private int _pos;
    private string? _error;

    private RequirementMarkerParser(string text, int start)
    {
        _text = text;
        _start = start;
        _pos = start;
    }

    private bool AtEnd => _pos >= _text.Length;

    private string MarkerText => _text[_start..].Trim(' ', '\t');

    /// <summary>Parses the marker from <paramref name="start"/> to the end of <paramref name="text"/>.</summary>
    public static bool TryParse(
        string text, int start, [NotNullWhen(true)] out string? marker, [NotNullWhen(false)] out string? error)
    {
        var parser = new RequirementMarkerParser(text, start);
        parser.SkipSpace();
        marker = parser.AtEnd
            ? parser.Fail($"';' must be followed by a marker, or left out, e.g. {Example}.")
            : parser.ParseOr();
        if (marker is not null)
        {
            parser.SkipSpace();
            if (!parser.AtEnd)
                marker = parser.Fail($"Unexpected {RequirementParser.Describe(text, parser._pos)} in the marker '{parser.MarkerText}': conditions are joined with 'and' or 'or', and grouped with parentheses, e.g. {Example}.");
        }
        error = parser._error;
        return marker is not null;
    }

    private string? ParseOr()
    {
        var first = ParseAnd();
        if (first is null)
            return null;
        var builder = new StringBuilder(first);
        while (TryKeyword("or"))
        {
            var next = ParseAnd();
            if (next is null)
                return null;
            builder.Append(" or ").Append(next);
        }
        return builder.ToString();
    }

    private string? ParseAnd()
    {
        var first = ParseExpression();
        if (first is null)
            return null;
        var builder = new StringBuilder(first);
        while (TryKeyword("and"))
        {
            var next = ParseExpression();
            if (next is null)
                return null;
            builder.Append(" and ").Append(next);
        }
        return builder.ToString();
    }

    private string? ParseExpression()
    {
        SkipSpace();
        if (Peek() == '(')
        {
            _pos++;
            var inner = ParseOr();
            if (inner is null)
                return null;
            SkipSpace();
            if (Peek() != ')')
            {
                return Fail(AtEnd
                    ? $"A '(' in the marker '{MarkerText}' is not closed with ')', e.g. flask==3.0.3; (os_name == \"nt\" or os_name == \"posix\") and python_version >= \"3.8\"."
                    : $"Unexpected {RequirementParser.Describe(_text, _pos)} in the marker '{MarkerText}', where 'and', 'or' or ')' was expected, e.g. {Example}.");
            }
            _pos++;
            return "(" + inner + ")";
        }

        var start = _pos;
        if (ParseValue() is not { } left)
            return null;
        var op = ParseComparison(left.Text);
        if (op is null)
            return null;
        if (ParseValue() is not { } right)
            return null;

        var condition = _text[start.._pos];
        if (left.IsVariable && right.IsVariable)
            return Fail($"The marker condition '{condition}' compares two variables: compare a variable with a quoted string, e.g. {Example}.");
        if (!left.IsVariable && !right.IsVariable)
            return Fail($"The marker condition '{condition}' compares two strings: one side must be a variable such as python_version, e.g. {Example}.");
        return $"{left.Text} {op} {right.Text}";
    }

    private (string Text, bool IsVariable)? ParseValue()
    {
        SkipSpace();
        if (AtEnd)
        {
            Fail($"The marker '{MarkerText}' is incomplete: a variable or a quoted string is missing at its end, e.g. {Example}.");
            return null;
        }

        var quote = Peek();
        if (quote is '"' or '\'')
        {
            var open = _pos++;
            while (!AtEnd && Peek() != quote)
            {
                // PEP 508's python_str_c has no backslash: there are no escapes to interpret.
                if (Peek() == '\\')
                {
                    Fail($"The marker string {_text[open..(_pos + 1)]} contains a backslash, which marker strings cannot contain, e.g. {Example}.");
                    return null;
                }
                _pos++;
            }
            if (AtEnd)
            {
                Fail($"The marker string {_text[open..]} is not closed with {quote}, e.g. {Example}.");
                return null;
            }
            var value = _text[(open + 1).._pos];
            _pos++;
            return (value.Contains('"', StringComparison.Ordinal) ? $"'{value}'" : $"\"{value}\"", false);
        }

        var word = ReadWord();
        if (word.Length > 0)
        {
            if (Variables.Contains(word, StringComparer.Ordinal))
                return (word, true);
            Fail($"'{word}' is not a marker variable: use {string.Join(", ", Variables)}, e.g. {Example}.");
            return null;
        }

        Fail($"Unexpected {RequirementParser.Describe(_text, _pos)} in the marker '{MarkerText}', where a variable such as python_version or a quoted string was expected, e.g. {Example}.");
        return null;
    }

    private string? ParseComparison(string left)
    {
        SkipSpace();
        var op = Array.Find(Comparisons, c => _text.AsSpan(_pos).StartsWith(c, StringComparison.Ordinal));
        if (op is not null)
        {
            _pos += op.Length;
            return op;
        }

        var save = _pos;
        var word = ReadWord();
        if (word == "in")
            return "in";
        if (word == "not" && Peek() is ' ' or '\t')
        {
            SkipSpace();
            if (ReadWord() == "in")
                return "not in";
        }
        _pos = save;

        return Fail(AtEnd
            ? $"The marker '{MarkerText}' is incomplete: a comparison ({ComparisonList}) and a value must follow '{left}', e.g. {Example}."
            : $"Expected a comparison ({ComparisonList}) after '{left}' in the marker, not {RequirementParser.Describe(_text, _pos)}, e.g. {Example}.");
    }

    private bool TryKeyword(string keyword)
    {
        var save = _pos;
        SkipSpace();
        if (ReadWord() == keyword)
            return true;
        _pos = save;
        return false;
    }

    // Words run over '.' too, so that "os.name" is refused whole rather than as "os".
    private string ReadWord()
    {
        var start = _pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek()) || Peek() is '_' or '.'))
            _pos++;
        return _text[start.._pos];
    }

    private string? Fail(string message)
    {
        _error = message;
        return null;
    }

    private char Peek() => AtEnd ? '\0' : _text[_pos];

    private void SkipSpace()
    {
        while (Peek() is ' ' or '\t')
            _pos++;
    }
}
