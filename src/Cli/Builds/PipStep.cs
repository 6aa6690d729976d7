namespace PypiForge.Cli.Builds;

/// <summary>The step pip is at, read from its log lines: the lines that begin a step ("Collecting", "Building wheel
/// for", ...) replace the current step; other lines (progress bars, compiler output) leave it as it is.</summary>
public static class PipStep
{
    private const int MaxLength = 72;

    private static readonly string[] Beginnings =
    [
        "Looking in indexes", "Collecting ", "Downloading ", "Processing ", "Obtaining ", "Installing build dependencies",
        "Getting requirements to build", "Preparing metadata", "Building wheels for collected packages", "Building wheel for ",
        "Running setup.py", "Created wheel for ", "Stored in directory", "Saved ", "Successfully built", "Failed to build",
        "ERROR:", "error:", "retrying in ",
    ];

    /// <summary>The step this line begins, shortened for a table cell, or null when it begins none.</summary>
    public static string? From(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        if (!Beginnings.Any(b => trimmed.StartsWith(b, StringComparison.Ordinal)) && !trimmed.Contains(" retrying in ", StringComparison.Ordinal))
        {
            return null;
        }

        return trimmed.Length <= MaxLength ? trimmed : string.Concat(trimmed.AsSpan(0, MaxLength - 1), "…");
    }
}
