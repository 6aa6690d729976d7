using PypiForge.Packaging;

namespace PypiForge.Server.Builds;

/// <summary>The requirements of a build request, checked: at least one, at most <see cref="Max"/>, each PEP 508;
/// normalized and without repeats.</summary>
internal static class RequestedRequirements
{
    public const int Max = 100;

    /// <summary>The valid requirements, or why they are not.</summary>
    public static (IReadOnlyList<string> Valid, string? Error) Check(IReadOnlyList<string> requirements)
    {
        if (requirements.Count == 0)
        {
            return ([], "requirements is empty: name at least one PEP 508 requirement, e.g. \"flask==3.0.3\".");
        }

        if (requirements.Count > Max)
        {
            return ([], $"At most {Max} requirements per build; split the request.");
        }

        var valid = new List<string>();
        var index = 0;
        foreach (var text in requirements)
        {
            index++;
            if (!Requirement.TryParse(text, out var requirement, out var error))
            {
                return ([], $"Requirement #{index} '{Printable(text)}' is not valid: {error}");
            }

            valid.Add(requirement.ToString());
        }

        return ([.. valid.Distinct(StringComparer.Ordinal)], null);
    }

    // Control characters in an echoed requirement would garble the error a person reads.
    private static string Printable(string text)
    {
        var clean = new string([.. text.Take(200).Select(static c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 200 ? clean + "…" : clean;
    }
}
