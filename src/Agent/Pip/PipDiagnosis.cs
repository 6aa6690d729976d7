using System.Text.RegularExpressions;

namespace PypiForge.Agent.Pip;

/// <summary>
/// What pip's output says went wrong, read as the lines come, for a one-line reason (<see cref="PipReason"/>). pip
/// 18.1 to 25 say the same things in different frames: its own lines sit at the left (indented at most two spaces, four
/// for pip 18-19's "Could not find a version" under "Collecting"), a failed step's output is framed under it
/// (<c>× … did not run successfully</c> / <c>Complete output …</c>) and indented further. So:
/// <list type="bullet">
/// <item>"No matching distribution found" counts as the build's own only at pip's indentation; after
/// <c>Installing build dependencies: finished with status 'error'</c> it names the build back-end pip could not install,
/// at any indentation (the sub-pip's lines are framed), until pip moves on.</item>
/// <item>A compiler's <c>fatal error: foo.h: No such file or directory</c> and a missing compiler
/// (<c>error: command 'gcc' failed: No such file or directory</c>, <c>unable to execute 'gcc': …</c>) are the build's
/// own output, so they count at any indentation, but only as whole lines of exactly that shape.</item>
/// <item>Which distribution failed comes from pip's own step lines (<c>Building wheel for X</c>, <c>Collecting X (from Y)</c>,
/// <c>Processing …/X-1.0.tar.gz</c>, pip 18's <c>Command "python setup.py egg_info" failed … in /tmp/…/X/</c>).</item>
/// </list>
/// Lines longer than <see cref="MaxLine"/> are skipped (pip's own are short; a long one is build output). Not
/// thread-safe: fed from under <see cref="BuildLog"/>'s lock.
/// </summary>
internal sealed partial class PipDiagnosis
{
    /// <summary>Longer lines are not read (a "from versions" list of a project with thousands of releases still fits).</summary>
    public const int MaxLine = 32 * 1024;

    private const int MaxName = 200;

    private bool _inBuildDependencies;
    private bool _failureOutputEnded;
    private string? _collecting;
    private string? _collectingFrom;

    /// <summary>The requirement pip found nothing for, at its own level (not a build back-end).</summary>
    public string? NoMatch { get; private set; }

    /// <summary>The versions pip listed for <see cref="NoMatch"/> ("from versions: …"); empty for "none".</summary>
    public string? NoMatchVersions { get; private set; }

    /// <summary>pip 21.2+'s "Ignored the following versions that require a different python version: …" (trimmed).</summary>
    public string? IgnoredForPython { get; private set; }

    /// <summary>The distribution whose requirement <see cref="NoMatch"/> came from ("Collecting X (from Y)"), when pip said.</summary>
    public string? NoMatchNeededBy { get; private set; }

    /// <summary>pip could not install the build back-end: the requirement it could not find, or "" when it did not say.</summary>
    public string? BackendRequirement { get; private set; }

    /// <summary>The distribution whose build back-end could not be installed.</summary>
    public string? BackendFor { get; private set; }

    public string? MissingHeader { get; private set; }

    public string? MissingCompiler { get; private set; }

    /// <summary>The first distribution pip said failed to build (or to prepare), and the step that failed.</summary>
    public string? FailedDistribution { get; private set; }

    public string? FailedStep { get; private set; }

    /// <summary>The exit code pip gave for the failed step ("exit code: 1", "error code 1", "exit status 1").</summary>
    public string? FailedExitCode { get; private set; }

    /// <summary>Which distribution required <see cref="FailedDistribution"/>, when it was a dependency.</summary>
    public string? FailedNeededBy { get; private set; }

    /// <summary>The build's last exception line inside the failed step's output (e.g. "AttributeError: …").</summary>
    public string? FailedException { get; private set; }

    public void Observe(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length > MaxLine || line.Length == 0)
            return;

        var indent = line.Length - line.TrimStart(' ').Length;
        var text = line.Trim();
        ObservePipStep(text, indent);
        ObserveBuildOutput(text);
        ObserveNoMatch(text, indent);
    }

    private void ObservePipStep(string text, int indent)
    {
        // pip 18-19 frame the back-end's sub-pip two spaces in: its "Collecting setuptools" is not a distribution of the build.
        if (indent > 2 || _inBuildDependencies)
            return;

        if (Collecting().Match(text) is { Success: true } collecting)
        {
            _collecting = Cut(collecting.Groups["name"].Value);
            _collectingFrom = collecting.Groups["from"].Success ? Cut(NameOf(collecting.Groups["from"].Value)) : null;
            _inBuildDependencies = false;
            return;
        }

        if (Processing().Match(text) is { Success: true } processing)
        {
            _collecting = Cut(processing.Groups["name"].Value);
            _collectingFrom = processing.Groups["from"].Success ? Cut(NameOf(processing.Groups["from"].Value)) : null;
            _inBuildDependencies = false;
            return;
        }

        if (text.StartsWith("Installing build dependencies: finished with status 'error'", StringComparison.Ordinal))
        {
            _inBuildDependencies = true;
            if (BackendRequirement is null)
            {
                BackendRequirement = string.Empty;
                BackendFor = _collecting;
            }

            return;
        }

        if (StepFailed().Match(text) is { Success: true } step)
        {
            NoteFailure(step.Groups["name"].Success ? Cut(step.Groups["name"].Value) : _collecting, step.Groups["step"].Value);
            return;
        }

        if (LegacyCommandFailed().Match(text) is { Success: true } legacy)
        {
            NoteFailure(Cut(legacy.Groups["name"].Value), legacy.Groups["step"].Value);
            FailedExitCode ??= legacy.Groups["code"].Value;
            return;
        }

        if (ExitCode().Match(text) is { Success: true } exit && FailedDistribution is not null)
        {
            FailedExitCode ??= exit.Groups["code"].Value;
        }
    }

    private void ObserveBuildOutput(string text)
    {
        if (MissingHeader is null && HeaderMissing().Match(text) is { Success: true } header)
            MissingHeader = Cut(header.Groups["header"].Value);
        else if (MissingCompiler is null && CompilerMissing().Match(text) is { Success: true } compiler)
            MissingCompiler = Cut(compiler.Groups["cc"].Value);
        else if (FailedDistribution is not null && !_failureOutputEnded)
        {
            if (text == "[end of output]")
                _failureOutputEnded = true;
            else if (ExceptionLine().IsMatch(text))
                FailedException = Cut(text, 300);
        }
    }

    private void ObserveNoMatch(string text, int indent)
    {
        if (_inBuildDependencies)
        {
            // The framed sub-pip that installs the back-end: what it could not find is the back-end.
            if (string.IsNullOrEmpty(BackendRequirement) && NoDistribution().Match(text) is { Success: true } backend)
            {
                BackendRequirement = Cut(backend.Groups["requirement"].Value);
                _inBuildDependencies = false;
            }

            return;
        }

        if (indent <= 4 && text.Contains("Ignored the following versions that require a different python version: ", StringComparison.Ordinal) && IgnoredForPython is null)
        {
            IgnoredForPython = Cut(text[(text.IndexOf("version: ", StringComparison.Ordinal) + 9)..], 300);
            return;
        }

        if (indent <= 4 && NoVersion().Match(text) is { Success: true } versions && NoMatchVersions is null)
        {
            NoMatchVersions = versions.Groups["versions"].Value.Trim() is "none" or "" ? string.Empty : versions.Groups["versions"].Value.Trim();
            return;
        }

        if (indent <= 2 && NoMatch is null && NoDistribution().Match(text) is { Success: true } missing)
        {
            NoMatch = Cut(missing.Groups["requirement"].Value);
            NoMatchNeededBy = string.Equals(NameOf(NoMatch), _collecting, StringComparison.OrdinalIgnoreCase) ? _collectingFrom : null;
        }
    }

    /// <summary>What was read, as a value (the reader goes on changing).</summary>
    public PipFindings Findings() => new(
        NoMatch, NoMatchVersions, IgnoredForPython, NoMatchNeededBy, BackendRequirement, BackendFor, MissingHeader, MissingCompiler,
        FailedDistribution, FailedStep, FailedExitCode, FailedNeededBy, FailedException);

    private void NoteFailure(string? distribution, string step)
    {
        if (FailedDistribution is not null || distribution is null)
            return;

        FailedDistribution = distribution;
        FailedStep = step;
        FailedNeededBy = string.Equals(distribution, _collecting, StringComparison.OrdinalIgnoreCase) ? _collectingFrom : null;
    }

    /// <summary>The project name at the start of a requirement ("pf-foo==9.9" → "pf-foo").</summary>
    public static string NameOf(string requirement) => RequirementName().Match(requirement).Value;

    private static string Cut(string value, int max = MaxName) => value.Length <= max ? value : value[..max] + "…";

    // pip 18-25: "Collecting pf-crash (from pf-usesdep)", "Collecting pf-foo==9.9", "Collecting x>=1 (from y==1.0->-r r.txt)".
    [GeneratedRegex(@"\ACollecting (?<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[^()]*(?:\(from (?<from>[A-Za-z0-9][A-Za-z0-9._-]*)[^)]*\))?", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Collecting();

    // pip 20+: "Processing ./links/pf-crash-1.0.tar.gz (from pf-usesdep)" for a local or find-links file.
    [GeneratedRegex(@"\AProcessing \S*?(?<name>[A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z_][A-Za-z0-9._]*)*)-\d[^/\s]*\.(?:tar\.gz|zip|tar\.bz2|tar\.xz|whl)(?: \(from (?<from>[A-Za-z0-9][A-Za-z0-9._-]*)[^)]*\))?", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Processing();

    // pip 21.2+: "× Building wheel for pf-hdr (pyproject.toml) did not run successfully.", "× Getting requirements to build
    // wheel did not run successfully.", "× python setup.py bdist_wheel did not run successfully."; pip 18-21:
    // "Failed building wheel for X" / "ERROR: Failed building wheel for X".
    [GeneratedRegex(@"\A(?:× (?:(?<step>Building wheel) for (?<name>[A-Za-z0-9][A-Za-z0-9._-]*)[^×]*|(?<step>[A-Za-z][A-Za-z0-9 ._()-]{0,80}?)) did not run successfully\.|(?:ERROR: )?(?<step>Failed building wheel) for (?<name>[A-Za-z0-9][A-Za-z0-9._-]*))\s*\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex StepFailed();

    // pip 18-19: 'Command "python setup.py egg_info" failed with error code 1 in /tmp/pip-wheel-x/pf-crash/'.
    [GeneratedRegex(@"\A(?:ERROR: )?Command ""(?<step>[^""]{1,200})"" failed with error code (?<code>-?\d+) in \S*/(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)/?\s*\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex LegacyCommandFailed();

    // pip 21.2+: "│ exit code: 1" under the × line.
    [GeneratedRegex(@"\A│ exit code: (?<code>-?\d+)\s*\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex ExitCode();

    // GCC and Clang: "pf_hdr.c:1:10: fatal error: pf_missing.h: No such file or directory" (Clang: "'x.h' file not found").
    [GeneratedRegex(@"\A(?:\S+:\d+(?::\d+)?: )?fatal error: (?:(?<header>[A-Za-z0-9_./+-]{1,200}\.(?:h|hh|hpp|hxx|H|inc)): No such file or directory|'(?<header>[A-Za-z0-9_./+-]{1,200})' file not found)\s*\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex HeaderMissing();

    // setuptools/distutils: "error: command 'gcc' failed: No such file or directory", older "unable to execute 'gcc': No
    // such file or directory" (also "error: command 'x86_64-linux-gnu-gcc' failed with exit status 1" after that line);
    // setuptools-rust: "error: can't find Rust compiler".
    [GeneratedRegex(@"\A(?:error: )?(?:command '(?<cc>[^'\s]{1,200})' failed: No such file or directory|unable to execute '?(?<cc>[^'\s:]{1,200})'?: No such file or directory|can't find (?<cc>Rust) compiler)\s*\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex CompilerMissing();

    [GeneratedRegex(@"\A(?:ERROR: )?No matching distribution found for (?<requirement>[A-Za-z0-9][^\s;]{0,300})", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NoDistribution();

    [GeneratedRegex(@"\A(?:ERROR: )?Could not find a version that satisfies the requirement \S+ \(from versions: (?<versions>[^)]*)\)", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NoVersion();

    [GeneratedRegex(@"\A(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Za-z_][A-Za-z0-9_]*(?:Error|Exception): \S", RegexOptions.CultureInvariant)]
    private static partial Regex ExceptionLine();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]*", RegexOptions.CultureInvariant)]
    private static partial Regex RequirementName();
}
