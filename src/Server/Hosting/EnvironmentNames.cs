using System.Collections;

namespace PypiForge.Server.Hosting;

/// <summary>Finds PYPIFORGE_ variables that no key reads. The environment provider strips the prefix and turns "__"
/// into ":", so <c>PYPIFORGE_CATALOG_ROOT</c> (one underscore) becomes a key nobody reads and is silently ignored.</summary>
internal static class EnvironmentNames
{
    public const string Prefix = "PYPIFORGE_";

    /// <summary>The test scripts' own variables (scripts/test.sh), which share the prefix.</summary>
    private const string TestPrefix = "PYPIFORGE_TEST_";

    /// <summary>One warning per variable that names no known section or host key, with the likely intended name.</summary>
    public static IEnumerable<string> Misspelt(IDictionary variables, IReadOnlyCollection<string> sections, IReadOnlySet<string> hostKeys)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var name in variables.Keys.OfType<string>().Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || name.Length == Prefix.Length
                || name.StartsWith(TestPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name[Prefix.Length..];
            var separator = key.IndexOf("__", StringComparison.Ordinal);
            var head = separator < 0 ? key : key[..separator];
            if (separator < 0 ? hostKeys.Contains(key) : sections.Contains(head, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            // PYPIFORGE_CATALOG_ROOT: a section followed by one underscore.
            var section = sections.FirstOrDefault(s => key.StartsWith(s + "_", StringComparison.OrdinalIgnoreCase) && key.Length > s.Length + 1);
            yield return section is null
                ? $"the environment variable {name} is not a PypiForge setting and is ignored; settings are {Prefix}SECTION__KEY (two underscores), e.g. {Prefix}CATALOG__ROOT."
                : $"the environment variable {name} is not a PypiForge setting and is ignored; did you mean {Prefix}{section.ToUpperInvariant()}__{key[(section.Length + 1)..].TrimStart('_').ToUpperInvariant()} (two underscores between section and key)?";
        }
    }
}
