using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>One PEP 425 compatibility tag: interpreter, ABI and platform.</summary>
public sealed partial record WheelTag(string Interpreter, string Abi, string Platform)
{
    /// <summary>The tag as written in file names, e.g. <c>cp311-cp311-linux_x86_64</c>.</summary>
    public override string ToString() => $"{Interpreter}-{Abi}-{Platform}";

    /// <summary>Parses a single (not compressed) tag such as <c>py3-none-any</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out WheelTag? tag)
    {
        tag = null;
        var parts = text?.Split('-');
        if (parts is not { Length: 3 } || !parts.All(IsTagComponent))
            return false;
        tag = new WheelTag(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>
    /// One component of a tag. Tools write tags from <c>[A-Za-z0-9_]</c> only: PEP 425 turns
    /// every other character of a platform name into <c>_</c>, and <c>.</c> joins compressed sets.
    /// </summary>
    internal static bool IsTagComponent(string text) => TagComponent().IsMatch(text);

    [GeneratedRegex(@"\A[A-Za-z0-9_]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagComponent();
}
