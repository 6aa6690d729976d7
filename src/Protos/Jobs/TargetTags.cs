using PypiForge.Packaging;

namespace PypiForge.Protos.Jobs;

/// <summary>What the publisher needs of a build target: its name and the tags its interpreter's pip installs, most
/// preferred first. The agent gives its discovered target's; the server rebuilds them from a remote agent's header.</summary>
/// <param name="Name">The target's name (its most specific tag, lowercase), which is also its queue.</param>
/// <param name="Supported">The tags the target's pip installs, most preferred first.</param>
public sealed record TargetTags(string Name, IReadOnlyList<WheelTag> Supported)
{
    /// <summary>
    /// True when this target can install a wheel with these tags: a pure wheel (platform
    /// <c>any</c>) whose python tag the target supports, or a wheel with any tag in
    /// <see cref="Supported"/>.
    /// </summary>
    public bool Accepts(WheelFilename wheel)
    {
        ArgumentNullException.ThrowIfNull(wheel);
        if (wheel.IsPure && wheel.PythonTags.Any(python => Supported.Any(tag => SameTag(tag.Interpreter, python))))
            return true;

        return wheel.Tags.Any(candidate => Supported.Any(tag =>
            SameTag(tag.Interpreter, candidate.Interpreter)
            && SameTag(tag.Abi, candidate.Abi)
            && SameTag(tag.Platform, candidate.Platform)));
    }

    // The supported list is compared by content: two descriptions of one target are equal.
    public bool Equals(TargetTags? other) =>
        other is not null && Name == other.Name && Supported.SequenceEqual(other.Supported);

    public override int GetHashCode() => HashCode.Combine(Name, Supported.Count);

    // Tools write tags in lowercase, but a hand-made file name may not; pip (packaging.tags)
    // lowercases tags before comparing them, so case must not decide here either.
    private static bool SameTag(string left, string right) => string.Equals(left, right, StringComparison.OrdinalIgnoreCase);
}
