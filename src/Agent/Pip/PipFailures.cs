using System.Text.RegularExpressions;

namespace PypiForge.Agent.Pip;

/// <summary>
/// The projects pip said it could not build or find, read from its output as the lines come. pip (18.1 to 25)
/// names each with <c>Failed building wheel for X</c> as it fails, sums them up in <c>Failed to build X Y</c> before
/// it exits, and says <c>No matching distribution found for X</c> when resolving stops at a missing one. The output
/// is the build's own, so only pip's own lines count (indented at most two spaces: pip indents a build's output
/// further), only names shaped like project names are kept, and only a few. Not thread-safe: fed from under
/// <see cref="BuildLog"/>'s lock.
/// </summary>
internal sealed partial class PipFailures
{
    /// <summary>More names than this and the rest are left out; the log has them all.</summary>
    public const int MaxProjects = 20;

    private readonly List<string> _projects = [];
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The projects named so far, as pip spelled them, in the order it named them.</summary>
    public IReadOnlyList<string> Projects => _projects;

    /// <summary>pip said it failed to build a wheel (not merely that it found no distribution): a build of the
    /// package's own code failed, which running again does not change.</summary>
    public bool BuildFailed { get; private set; }

    public void Observe(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = NamingLine().Match(line);
        if (!match.Success)
            return;

        if (!match.Value.Contains("No matching distribution found for ", StringComparison.Ordinal))
            BuildFailed = true;
        foreach (var name in match.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (_projects.Count == MaxProjects || !ProjectName().IsMatch(name))
                return;
            if (_seen.Add(name.Replace('_', '-').Replace('.', '-')))
                _projects.Add(name);
        }
    }

    // "Failed to build one or more wheels" and pip 24's "Failed to build installable wheels for some ... (x, y)" name
    // nobody on their own line, and fail the project-name check: "one" is a valid name, so those are excluded here.
    [GeneratedRegex(
        @"\A {0,2}(?:ERROR: )?(?:Failed building wheel for (?<names>\S+)|(?!Failed to build (?:one or more|installable) )Failed to build (?<names>[^()]+?)|No matching distribution found for (?<names>[A-Za-z0-9._-]+).*?)\s*\z",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NamingLine();

    // PEP 508's name: letters and digits, with '.', '_' and '-' inside.
    [GeneratedRegex(@"\A[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectName();
}
