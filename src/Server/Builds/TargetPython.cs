using System.Globalization;
using PypiForge.Packaging;

namespace PypiForge.Server.Builds;

/// <summary>The Python a build target runs: major.minor from its interpreter tag (cp311 → 3.11, cp27 → 2.7, pp310 → 3.10),
/// and the full version when its agent reported it (e.g. 2.7.18).</summary>
public sealed record TargetPython(string Target, int Major, int Minor, PackageVersion? Full)
{
    // With only major.minor known, a Requires-Python that turns on the micro version (">=3.7.1") is given the benefit of
    // the doubt: pip, which knows the micro, decides. These micros stand for "some 3.7".
    private static readonly int[] Micros = [.. Enumerable.Range(0, 41), 99, 999];

    /// <summary>The target's Python, or null when its interpreter tag does not say (pip decides then).</summary>
    public static TargetPython? Of(string target, string? fullVersion)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!WheelTag.TryParse(target, out var tag))
        {
            return null;
        }

        var interpreter = tag.Interpreter;
        // CPython's cpXY; PyPy's ppXY names the Python it implements since pp36 (pp73 and older name PyPy's own version).
        if (interpreter.Length < 4 || !(interpreter.StartsWith("cp", StringComparison.Ordinal) || (interpreter.StartsWith("pp", StringComparison.Ordinal) && interpreter[2] == '3'))
            || !int.TryParse(interpreter.AsSpan(2, 1), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(interpreter.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        var full = PackageVersion.TryParse(fullVersion, out var version) && version.Release.Count >= 2 && version.Release[0] == major && version.Release[1] == minor
            ? version
            : null;
        return new TargetPython(target, major, minor, full);
    }

    /// <summary>"Python 2.7.18", or "Python 2.7" when only that is known.</summary>
    public string Describe() => Full is { } full ? $"Python {full}" : $"Python {Major}.{Minor}";

    /// <summary>Whether a file with this Requires-Python may install on the target.</summary>
    public bool Admits(VersionSpecifiers requiresPython)
    {
        ArgumentNullException.ThrowIfNull(requiresPython);
        if (Full is { } full)
        {
            return requiresPython.Contains(full);
        }

        return Micros.Any(micro => requiresPython.Contains(PackageVersion.Parse(string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{micro}"))));
    }
}
