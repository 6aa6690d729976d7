using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace PypiForge.Packaging;

/// <summary>
/// A PEP 427 wheel file name:
/// <c>{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl</c>.
/// Each tag may be a compressed set (PEP 425), e.g. <c>py2.py3</c>. The version must be a
/// valid PEP 440 version and the build tag must start with a digit.
/// </summary>
public sealed partial record WheelFilename : DistributionFilename
{
    private WheelFilename(string fileName, string project, string version, string? buildTag, TagSets tags)
        : base(fileName, project, version, DistributionKind.Wheel)
    {
        BuildTag = buildTag;
        PythonTags = tags.Python;
        AbiTags = tags.Abi;
        PlatformTags = tags.Platform;
        Tags = tags.Expanded;
        IsPure = tags.IsPure;
    }

    public string? BuildTag { get; }

    public IReadOnlyList<string> PythonTags { get; }

    public IReadOnlyList<string> AbiTags { get; }

    public IReadOnlyList<string> PlatformTags { get; }

    /// <summary>Every tag the compressed sets stand for (their cartesian product).</summary>
    public IReadOnlyList<WheelTag> Tags { get; }

    /// <summary>Every platform tag is <c>any</c>: the wheel runs anywhere its Python does.</summary>
    public bool IsPure { get; }

    public static bool TryParse(string? fileName, [NotNullWhen(true)] out WheelFilename? result)
    {
        result = null;
        if (!IsPlainFileName(fileName) || Stem(fileName, ".whl") is not { } stem)
            return false;

        var parts = stem.Split('-');
        if (parts.Length is not (5 or 6))
            return false;

        var (project, version) = (parts[0], parts[1]);
        var buildTag = parts.Length == 6 ? parts[2] : null;
        if (!ProjectName.IsValid(project)
            || !PackageVersion.TryParse(version, out var parsedVersion)
            || (buildTag is not null && !BuildTagPattern().IsMatch(buildTag))
            || TagSets.Of(parts[^3], parts[^2], parts[^1]) is not { } tags)
        {
            return false;
        }

        // The parsed version's text is the one kept for every file of that version.
        result = new WheelFilename(fileName, project, parsedVersion.Original, buildTag, tags);
        return true;
    }

    // The tag lists are derived from FileName, so the base record's fields decide equality;
    // the synthesized comparison would compare the lists by reference.
    public bool Equals(WheelFilename? other) => base.Equals(other);

    public override int GetHashCode() => base.GetHashCode();

    /// <summary>The three tag sets of a file name and their product. Wheels of one index share a handful of them
    /// (<c>py3-none-any</c>, <c>cp311-cp311-manylinux_2_17_x86_64</c>, ...), so one read-only instance of each is shared by
    /// every file name that has it instead of ten objects per file; at most <see cref="MaxShared"/> are kept.</summary>
    private sealed class TagSets
    {
        private const int MaxShared = 4096;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TagSets> Shared = new(StringComparer.Ordinal);

        private TagSets(string[] python, string[] abi, string[] platform)
        {
            Python = Array.AsReadOnly(python);
            Abi = Array.AsReadOnly(abi);
            Platform = Array.AsReadOnly(platform);
            Expanded = Array.AsReadOnly((
                from p in python
                from a in abi
                from pl in platform
                select new WheelTag(p, a, pl)).ToArray());
            IsPure = platform.All(p => string.Equals(p, "any", StringComparison.OrdinalIgnoreCase));
        }

        public IReadOnlyList<string> Python { get; }

        public IReadOnlyList<string> Abi { get; }

        public IReadOnlyList<string> Platform { get; }

        public IReadOnlyList<WheelTag> Expanded { get; }

        public bool IsPure { get; }

        public static TagSets? Of(string python, string abi, string platform)
        {
            var key = string.Join('-', python, abi, platform);
            if (Shared.TryGetValue(key, out var known))
                return known;

            if (Split(python) is not { } pythonTags || Split(abi) is not { } abiTags || Split(platform) is not { } platformTags)
                return null;

            var made = new TagSets(pythonTags, abiTags, platformTags);
            return Shared.Count < MaxShared ? Shared.GetOrAdd(key, made) : made;
        }

        private static string[]? Split(string text)
        {
            var tags = text.Split('.');
            return tags.All(WheelTag.IsTagComponent) ? tags : null;
        }
    }

    // PEP 427: the build tag starts with a digit; the rest is escaped like the other fields.
    [GeneratedRegex(@"\A[0-9][A-Za-z0-9_.]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex BuildTagPattern();
}
