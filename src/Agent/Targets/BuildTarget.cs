using System.Text.RegularExpressions;
using PypiForge.Agent.Sandbox;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Targets;

/// <summary>
/// A build target: one Python interpreter, named by its most specific tag
/// (<c>cp311-cp311-linux_x86_64</c>). The name is also the Hangfire queue its builds run on.
/// </summary>
/// <param name="Name">The tag of a platform wheel built by this interpreter, lowercase.</param>
/// <param name="Interpreter">Absolute path of the interpreter (its <c>sys.executable</c>).</param>
/// <param name="PythonVersion">For example <c>3.11.7</c>.</param>
/// <param name="Tag">The tag <c>pip wheel</c> gives a platform wheel built by this interpreter.</param>
/// <param name="Supported">The tags this interpreter's pip installs, most preferred first.</param>
public sealed partial record BuildTarget(
    string Name, string Interpreter, string PythonVersion, WheelTag Tag, IReadOnlyList<WheelTag> Supported)
{
    /// <summary>The version of this interpreter's pip (e.g. <c>23.2.1</c>), when discovery could read it.</summary>
    public string? PipVersion { get; init; }

    /// <summary>Where the interpreter runs: the host's system, or a root filesystem (and its architecture).</summary>
    public BuildEnvironment Environment { get; init; } = BuildEnvironment.HostSystem;

    /// <summary>pip 19.0 and later can be told to build every sdist in an isolated PEP 517 environment.</summary>
    public bool PipSupportsPep517Flag =>
        PipVersion is not null && PackageVersion.TryParse(PipVersion, out var version) && version >= PackageVersion.Parse("19.0");

    /// <summary>The name and tags the publisher checks a built wheel against (<see cref="TargetTags.Accepts"/>).</summary>
    public TargetTags Tags => new(Name, Supported);

    /// <summary>True when this target can install a wheel with these tags (<see cref="TargetTags.Accepts"/>).</summary>
    public bool Accepts(WheelFilename wheel) => Tags.Accepts(wheel);

    /// <summary>
    /// The queue name for a tag: lowercase letters, digits, <c>_</c> and <c>-</c> only, which
    /// is what Hangfire accepts as a queue name.
    /// </summary>
    /// <exception cref="ArgumentException">The tag has other characters.</exception>
    public static string NameFor(WheelTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var name = tag.ToString().ToLowerInvariant();
        if (!QueueName().IsMatch(name))
        {
            throw new ArgumentException(
                $"The tag '{tag}' cannot name a build target: a target's name is its Hangfire queue, which " +
                "allows only lowercase letters, digits, '_' and '-'.",
                nameof(tag));
        }

        return name;
    }

    // The supported list is compared by content: two discoveries of one interpreter are equal.
    public bool Equals(BuildTarget? other) =>
        other is not null
        && Name == other.Name
        && Interpreter == other.Interpreter
        && PythonVersion == other.PythonVersion
        && Tag == other.Tag
        && Environment == other.Environment
        && Supported.SequenceEqual(other.Supported);

    public override int GetHashCode() => HashCode.Combine(Name, Interpreter, PythonVersion, Tag, Supported.Count);

    [GeneratedRegex(@"\A[a-z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}
