using PypiForge.Packaging;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Builds;

/// <summary>
/// Whether this index serves build back-ends a target can install: pip's isolated builds of setup.py sdists fetch
/// <c>setuptools</c> and <c>wheel</c> from the index, and today's ones no longer run on Python 2.7 or 3.6. A back-end
/// fits when some wheel of it, not yanked, has a python tag the target's pip installs (<c>py2.py3</c>, <c>py3</c>,
/// <c>py27</c>, …) and a Requires-Python that admits the target's Python (known from its name, X.Y).
/// </summary>
public static class BuildBackends
{
    /// <summary>The back-ends pip's isolated builds install (setuptools' default build requirements).</summary>
    public static readonly string[] Projects = ["setuptools", "wheel"];

    // Releases that still run on old Pythons, to name in the warning. Debian bullseye's python-pip-whl ships
    // setuptools-44.1.1, wheel-0.34.2 and pip-20.3.4 wheels that run on 2.7 (in /usr/share/python-wheels).
    private static readonly (int Major, int Minor, string Setuptools, string Wheel)[] LastFitting =
    [
        (2, 7, "setuptools-44.1.1-py2.py3-none-any.whl", "wheel-0.34.2-py2.py3-none-any.whl"),
        (3, 5, "setuptools-50.3.2-py3-none-any.whl", "wheel-0.37.1-py2.py3-none-any.whl"),
        (3, 6, "setuptools-59.6.0-py3-none-any.whl", "wheel-0.37.1-py2.py3-none-any.whl"),
        (3, 7, "setuptools-68.0.0-py3-none-any.whl", "wheel-0.42.0-py3-none-any.whl"),
    ];

    /// <summary>
    /// What is missing for <paramref name="target"/> (a target name such as <c>cp27-cp27mu-linux_x86_64</c>), naming
    /// the files to drop in; null when the index serves a fitting setuptools and wheel, or when the target's Python is
    /// not a Python version its name tells (<see cref="TargetPython"/>).
    /// </summary>
    public static string? Problem(string target, CatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (!WheelTag.TryParse(target, out var tag) || TargetPython.Of(target, null) is not { } python)
            return null;

        var missing = new List<string>();
        foreach (var project in Projects)
        {
            var wheels = catalog.Projects.TryGetValue(project, out var entry)
                ? entry.Files.Where(static f => !f.IsYanked && f.Distribution is WheelFilename).ToList()
                : [];
            if (wheels.Any(file => Fits(file, tag, python)))
                continue;

            var served = wheels.Count == 0
                ? "none is served"
                : "the index serves only " + string.Join(", ", wheels.Take(5).Select(static f => f.RequiresPython is null ? f.FileName : $"{f.FileName} (Requires-Python {f.RequiresPython})"));
            missing.Add($"{project} ({served})");
        }

        if (missing.Count == 0)
            return null;

        var version = $"{python.Major}.{python.Minor}";
        var advice = LastFitting.FirstOrDefault(f => f.Major == python.Major && f.Minor == python.Minor);
        var dropIn = advice.Setuptools is null
            ? $"a setuptools and a wheel whose Requires-Python admits {version}"
            : $"e.g. {advice.Setuptools} and {advice.Wheel}" + (python.Major == 2 ? " (Debian bullseye's python-pip-whl ships them in /usr/share/python-wheels)" : string.Empty);
        return $"Build target {target} (Python {version}) cannot install a build back-end this index serves: {string.Join("; ", missing)}. " +
            $"Isolated builds of setup.py sdists for it will fail; drop back-ends that run on Python {version} into the package folder, {dropIn}.";
    }

    private static bool Fits(CatalogFile file, WheelTag target, TargetPython python)
    {
        // The tag rule is the one a remote agent's wheels are held to (WheelScope): py2, py27, py2.py3 fit 2.7.
        var wheel = (WheelFilename)file.Distribution;
        if (!wheel.IsPure || !wheel.Tags.Any(t => WheelScope.Fits(t, target)))
            return false;

        // pip ignores a Requires-Python it cannot parse, so such a file fits.
        return file.RequiresPython is null
            || !VersionSpecifiers.TryParse(file.RequiresPython, out var specifiers)
            || specifiers.Contains(PackageVersion.Parse($"{python.Major}.{python.Minor}"));
    }
}
