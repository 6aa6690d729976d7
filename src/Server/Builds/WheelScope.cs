using PypiForge.Packaging;

namespace PypiForge.Server.Builds;

/// <summary>Which wheels a remote agent may publish for a build's target. A requested project's; another project's
/// only when the build also builds dependencies (pip resolved them on the agent, so the server cannot list them: any
/// project is taken then); and only with a tag that fits the target: its platform or <c>any</c>, its interpreter's
/// ABI, <c>abi3</c> or <c>none</c>, and a python tag of the target's implementation (or <c>py</c>) no newer than it.</summary>
internal static class WheelScope
{
    /// <summary>Why <paramref name="wheel"/> is not the build's to publish for <paramref name="target"/>, or null.</summary>
    public static string? Refusal(WheelFilename wheel, TargetHold.Held build, WheelTag target)
    {
        if (!build.WithDependencies && !Requested(build).Contains(wheel.NormalizedProject))
        {
            return $"{wheel.FileName} is a wheel of '{wheel.NormalizedProject}', which build {build.BuildId} did not request "
                + $"({string.Join(", ", Requested(build))}) and, built without dependencies, cannot have made; nothing was published.";
        }

        if (!wheel.Tags.Any(tag => Fits(tag, target)))
        {
            return $"{wheel.FileName} has no tag that fits target {target} (platform {target.Platform} or any, a "
                + $"{Implementation(target.Interpreter)} or py python tag of version {Version(target.Interpreter)} or older); nothing was published.";
        }

        return null;
    }

    /// <summary>Whether an installer of <paramref name="target"/> could install a wheel with <paramref name="tag"/>.</summary>
    public static bool Fits(WheelTag tag, WheelTag target)
    {
        var platform = Same(tag.Platform, "any") || Same(tag.Platform, target.Platform);
        var abi = Same(tag.Abi, "none") || Same(tag.Abi, "abi3") || Same(tag.Abi, target.Abi);
        return platform && abi && Python(tag.Interpreter, target.Interpreter);
    }

    // cp311 takes cp311, cp39 (with abi3), py3 and py311; not cp312, py2 or pp310.
    private static bool Python(string tag, string target)
    {
        if (Same(tag, target))
        {
            return true;
        }

        var implementation = Implementation(tag);
        var version = Version(tag);
        var targetVersion = Version(target);
        if (!(Same(implementation, "py") || Same(implementation, Implementation(target))) || version.Length == 0 || targetVersion.Length == 0
            || version[0] != targetVersion[0])
        {
            return false;
        }

        // The first digit is the major version, the rest the minor (cp311 is 3.11); a bare major (py3) fits any minor.
        return version.Length == 1 || (targetVersion.Length > 1 && int.TryParse(version[1..], out var minor)
            && int.TryParse(targetVersion[1..], out var targetMinor) && minor <= targetMinor);
    }

    private static string Implementation(string interpreter) => new([.. interpreter.TakeWhile(char.IsAsciiLetter)]);

    private static string Version(string interpreter) => interpreter[Implementation(interpreter).Length..];

    private static HashSet<string> Requested(TargetHold.Held build) =>
        [.. build.Requirements.Select(static r => Requirement.TryParse(r, out var requirement, out _) ? requirement.NormalizedName : null).OfType<string>()];

    private static bool Same(string left, string right) => string.Equals(left, right, StringComparison.OrdinalIgnoreCase);
}
