using System.Text;
using PypiForge.Protos.Jobs;

namespace PypiForge.Server.Pages;

/// <summary>How states are spelled on pages and in the event stream: kebab-case of the enum name, so a state added
/// later (e.g. NotApplicable → "not-applicable") shows by its name without a change here.</summary>
internal static class Names
{
    public static string Of(TargetState state)
    {
        var name = state.ToString();
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    /// <summary>The state a filter names ("failed", "not-applicable"), or null when it names none.</summary>
    public static TargetState? Parse(string text) =>
        Enum.GetValues<TargetState>().Cast<TargetState?>().FirstOrDefault(s => Of(s!.Value) == text);
}
