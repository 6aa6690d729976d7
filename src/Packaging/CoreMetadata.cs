using System.Text;

namespace PypiForge.Packaging;

/// <summary>
/// Core metadata as found in <c>METADATA</c> (wheels) and <c>PKG-INFO</c> (sdists, eggs): RFC 822
/// style header fields, then an optional body that holds the description.
/// </summary>
/// <remarks>
/// Parsing follows Python's <c>email</c> parser, which is what the tools that write these files
/// target: field names are case-insensitive and may repeat; a line starting with a space or tab
/// continues the previous field; the first blank line ends the fields; a line that is neither a
/// field nor a continuation also ends them and starts the body. It never throws on content.
/// </remarks>
public sealed class CoreMetadata
{
    // Replacement characters rather than exceptions: metadata comes from uploads, and a stray
    // Latin-1 byte in a description should not make the whole file unreadable.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Dictionary<string, List<string>> _byName;

    private CoreMetadata(List<KeyValuePair<string, string>> fields, string? body)
    {
        Fields = fields.AsReadOnly();
        _byName = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in fields)
        {
            if (!_byName.TryGetValue(name, out var values))
                _byName[name] = values = [];
            values.Add(value);
        }
        Body = body;
    }

    /// <summary>Every field in file order, names spelled as in the file.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>Everything after the first blank line, or null when there is none.</summary>
    public string? Body { get; }

    public string? MetadataVersion => Get("Metadata-Version");

    public string? Name => Get("Name");

    public string? Version => Get("Version");

    public string? RequiresPython => Get("Requires-Python");

    public string? Summary => Get("Summary");

    /// <summary>
    /// The body when it has text (metadata 2.1 and later), else the <c>Description</c> field.
    /// </summary>
    public string? Description => string.IsNullOrWhiteSpace(Body) ? Get("Description") : Body;

    public IReadOnlyList<string> RequiresDist => GetAll("Requires-Dist");

    public IReadOnlyList<string> Classifiers => GetAll("Classifier");

    public static CoreMetadata Parse(ReadOnlySpan<byte> utf8) => Parse(Utf8.GetString(utf8));

    public static CoreMetadata Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF'))
            text = text[1..];
        // Only CR and LF end lines, as in Python's email parser; U+2028 and friends are text.
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

        var fields = new List<KeyValuePair<string, string>>();
        string? name = null;
        var value = new StringBuilder();
        string? body = null;

        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            var line = end < 0 ? text[position..] : text[position..end];
            var next = end < 0 ? text.Length : end + 1;

            if (line.Length == 0)
            {
                body = text[next..];
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                // A continuation before any field has nothing to continue; Python drops it too.
                if (name is not null)
                    value.Append('\n').Append(Unfold(line));
                position = next;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsFieldName(line.AsSpan(0, colon)))
            {
                body = text[position..];
                break;
            }

            Add(fields, name, value);
            name = line[..colon];
            value.Clear().Append(line.AsSpan(colon + 1).TrimStart(" \t"));
            position = next;
        }

        Add(fields, name, value);
        return new CoreMetadata(fields, body);
    }

    /// <summary>
    /// The one rule for "the archive agrees with its file name", for uploads, built wheels and the catalog: the
    /// metadata has a Name and a Version, the name normalises (PEP 503) to the file name's project, and the versions
    /// are equal as PEP 440 versions (compared as text, ignoring case, when either is not one). Null when it agrees;
    /// otherwise what disagrees, for a person.
    /// </summary>
    public string? Contradiction(DistributionFilename filename)
    {
        ArgumentNullException.ThrowIfNull(filename);
        if (Name is null || Version is null)
        {
            return "its metadata has no Name or Version field";
        }

        if (ProjectName.Normalize(Name) != filename.NormalizedProject)
        {
            return $"its metadata names the project '{Name}', but the file name says '{filename.Project}'";
        }

        var sameVersion = PackageVersion.TryParse(Version, out var fromMetadata) && PackageVersion.TryParse(filename.Version, out var fromName)
            ? fromMetadata == fromName
            : string.Equals(Version, filename.Version, StringComparison.OrdinalIgnoreCase);
        return sameVersion ? null : $"its metadata says version '{Version}', but the file name says '{filename.Version}'";
    }

    /// <summary>Every value of a field, in file order; empty when the field is absent.</summary>
    public IReadOnlyList<string> GetAll(string field) =>
        _byName.TryGetValue(field, out var values) ? values.AsReadOnly() : [];

    /// <summary>The first value of a field, or null.</summary>
    public string? Get(string field) =>
        _byName.TryGetValue(field, out var values) ? values[0] : null;

    private static void Add(List<KeyValuePair<string, string>> fields, string? name, StringBuilder value)
    {
        if (name is not null)
            fields.Add(new(name, value.ToString().TrimEnd()));
    }

    // Older setuptools wrote multi-line descriptions as continuation lines of the form
    // "        |text" so that blank and indented lines survive; the bar marks where the line
    // really starts. Other continuations lose their leading whitespace.
    private static ReadOnlySpan<char> Unfold(string line)
    {
        var content = line.AsSpan().TrimStart(" \t");
        return content.StartsWith('|') ? content[1..] : content;
    }

    // RFC 5322 field names: printable ASCII other than space and colon.
    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (c is < '!' or > '~')
                return false;
        }
        return true;
    }
}
