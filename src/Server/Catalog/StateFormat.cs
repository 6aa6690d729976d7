using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PypiForge.Server.Catalog;

/// <summary>The state folder's format version, kept in <c>format-version</c>: written at the first start, checked at
/// every start and by the <c>token</c> command, so that a folder a newer PypiForge wrote is refused, instead of being
/// half understood and then overwritten, by an older one. Format 1 is the layout <see cref="StateFolder"/> describes
/// (catalog.json carries its own version, 1, too). A release that changes the layout raises <see cref="Current"/>,
/// migrates older folders at start and says so in docs/deploy.md ("Upgrades").</summary>
public static partial class StateFormat
{
    public const int Current = 1;

    /// <summary>Why this version must not use the state folder at <paramref name="statePath"/>, or null when it may: a
    /// folder that does not exist yet, one without <c>format-version</c> (made before format versions, which is
    /// format 1), or one of this format.</summary>
    public static string? Problem(string statePath)
    {
        var marker = Path.Combine(statePath, StateFolder.FormatVersion);
        string? text;
        try
        {
            text = File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{marker} cannot be read: {ex.Message}";
        }

        var found = 0;
        if (text is not null && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out found))
        {
            return $"{marker} holds '{text}', not a format number (this version writes {Current}); restore the state folder from a backup.";
        }

        var source = marker;
        if (found <= Current && CatalogVersion(Path.Combine(statePath, StateFolder.CatalogState)) is { } catalog && catalog > Current)
        {
            (found, source) = (catalog, Path.Combine(statePath, StateFolder.CatalogState));
        }

        return found <= Current ? null
            : $"the state folder holds state format {found} ({source}), written by a newer PypiForge; this version reads format {Current}. "
              + "Run that newer version again, or restore the backup of the state folder taken before the upgrade (docs/deploy.md, \"Upgrades\").";
    }

    /// <summary>Writes <c>format-version</c> when the folder has none (at start, once the folder exists).</summary>
    public static void Mark(string statePath)
    {
        var marker = Path.Combine(statePath, StateFolder.FormatVersion);
        if (File.Exists(marker))
        {
            return;
        }

        var temporary = marker + ".tmp";
        File.WriteAllText(temporary, Current.ToString(CultureInfo.InvariantCulture) + "\n", new UTF8Encoding(false));
        File.Move(temporary, marker, overwrite: true);
    }

    /// <summary>catalog.json's "version", which the store writes first; null when the file is missing or does not start so.</summary>
    private static int? CatalogVersion(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var head = new byte[256];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var match = CatalogHead().Match(Encoding.UTF8.GetString(head, 0, read));
            return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Missing or unreadable: the catalog's own load reports it (and re-reads the folder).
            return null;
        }
    }

    [GeneratedRegex(@"^\s*\{\s*""version""\s*:\s*(\d{1,9})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CatalogHead();
}
