namespace PypiForge.Packaging;

/// <summary>
/// A PEP 440 version specifier set, e.g. a Requires-Python of <c>&gt;=2.7, !=3.0.*, !=3.1.*</c>: every clause must hold.
/// Clauses: <c>==</c> and <c>!=</c> (with a <c>.*</c> prefix match), <c>&gt;=</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&lt;</c>,
/// <c>~=</c> (compatible release) and <c>===</c> (the same text). An empty set admits every version.
/// </summary>
public sealed class VersionSpecifiers
{
    private static readonly string[] Operators = ["===", "~=", "==", "!=", ">=", "<=", ">", "<"];

    private readonly IReadOnlyList<Clause> _clauses;

    private VersionSpecifiers(IReadOnlyList<Clause> clauses, string text)
    {
        _clauses = clauses;
        Text = text;
    }

    /// <summary>The set as written.</summary>
    public string Text { get; }

    /// <summary>Parses a comma-separated set; fails on an unknown operator or a version PEP 440 does not allow.</summary>
    public static bool TryParse(string? text, out VersionSpecifiers specifiers)
    {
        specifiers = new VersionSpecifiers([], text ?? string.Empty);
        if (text is null)
            return false;

        var clauses = new List<Clause>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var op = Operators.FirstOrDefault(o => part.StartsWith(o, StringComparison.Ordinal));
            if (op is null)
                return false;

            var operand = part[op.Length..].Trim();
            if (op == "===")
            {
                clauses.Add(new Clause(op, operand, null, Prefix: false));
                continue;
            }

            var prefix = operand.EndsWith(".*", StringComparison.Ordinal);
            if (prefix && op is not ("==" or "!="))
                return false;
            if (!PackageVersion.TryParse(prefix ? operand[..^2] : operand, out var version))
                return false;
            if (op == "~=" && version.Release.Count < 2)
                return false;
            clauses.Add(new Clause(op, operand, version, prefix));
        }

        specifiers = new VersionSpecifiers(clauses, text);
        return true;
    }

    /// <summary>True when <paramref name="version"/> meets every clause.</summary>
    public bool Contains(PackageVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _clauses.All(clause => clause.Admits(version));
    }

    /// <summary>True when a clause names a pre-release (<c>==2.0b1</c>, <c>&gt;=1.0.dev0</c>): then pre-releases are
    /// candidates without pip's <c>--pre</c> (PEP 440, "Handling of pre-releases").</summary>
    public bool NamesPrerelease => _clauses.Any(static c => c.Version?.IsPrerelease == true);

    public override string ToString() => Text;

    private sealed record Clause(string Operator, string Text, PackageVersion? Version, bool Prefix)
    {
        public bool Admits(PackageVersion candidate)
        {
            if (Version is null)
                return string.Equals(candidate.Original.Trim(), Text, StringComparison.OrdinalIgnoreCase);

            // A local label only counts when the specifier has one.
            var local = Version.Local is null && candidate.Local is not null ? PackageVersion.Parse(candidate.PublicVersion) : candidate;
            return Operator switch
            {
                "==" => Prefix ? StartsWith(local, Version) : local == Version,
                "!=" => Prefix ? !StartsWith(local, Version) : local != Version,
                ">=" => local >= Version,
                "<=" => local <= Version,
                ">" => local > Version,
                "<" => local < Version,
                _ => local >= Version && StartsWith(local, PackageVersion.Parse((Version.Epoch == 0 ? string.Empty : $"{Version.Epoch}!") + string.Join('.', Version.Release.Take(Version.Release.Count - 1)))),
            };
        }

        // The release segments of the prefix, zero-padded, lead the candidate's (PEP 440 prefix matching).
        private static bool StartsWith(PackageVersion candidate, PackageVersion prefix)
        {
            if (candidate.Epoch != prefix.Epoch)
                return false;
            for (var i = 0; i < prefix.Release.Count; i++)
            {
                var have = i < candidate.Release.Count ? candidate.Release[i] : 0;
                if (have != prefix.Release[i])
                    return false;
            }

            return true;
        }
    }
}
