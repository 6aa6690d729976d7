using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>PEP 691 JSON pages at api-version 1.1 (PEP 700: versions, size, upload-time); a project page with a PEP 792
/// status marker says 1.4 and carries <c>project-status</c>.</summary>
public static class JsonIndexRenderer
{
    public const string ApiVersion = "1.1";

    /// <summary>The version a page with a PEP 792 project status must state.</summary>
    public const string StatusApiVersion = "1.4";

    // The media type is JSON, never HTML: relaxed escaping keeps ">=3.8" readable and is safe here.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] RenderRoot(CatalogSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + (snapshot.Projects.Count * 32));
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteMeta(json);
            json.WriteStartArray("projects");
            foreach (var project in snapshot.Projects.Values)
            {
                json.WriteStartObject();
                json.WriteString("name", project.DisplayName);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] RenderProject(IndexProject project)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + (project.Files.Count * 512));
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteMeta(json, project.Status is null ? ApiVersion : StatusApiVersion);
            if (project.Status is { } status)
            {
                // PEP 792: next to "meta", not inside it.
                json.WriteStartObject("project-status");
                json.WriteString("status", status.Status);
                if (status.Reason is not null)
                {
                    json.WriteString("reason", status.Reason);
                }

                json.WriteEndObject();
            }

            json.WriteString("name", project.Key);
            json.WriteStartArray("versions");
            foreach (var version in project.Versions)
            {
                json.WriteStringValue(version);
            }

            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var file in project.Files)
            {
                WriteFile(json, file);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMeta(Utf8JsonWriter json, string apiVersion = ApiVersion)
    {
        json.WriteStartObject("meta");
        json.WriteString("api-version", apiVersion);
        json.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter json, IndexFile file)
    {
        json.WriteStartObject();
        json.WriteString("filename", file.FileName);
        json.WriteString("url", file.Url);
        json.WriteStartObject("hashes");
        json.WriteString("sha256", file.Sha256);
        json.WriteEndObject();
        if (file.RequiresPython is not null)
        {
            json.WriteString("requires-python", file.RequiresPython);
        }

        // PEP 714: JSON carries only "core-metadata"; false says plainly that there is none.
        if (file.MetadataSha256 is not null)
        {
            json.WriteStartObject("core-metadata");
            json.WriteString("sha256", file.MetadataSha256);
            json.WriteEndObject();
        }
        else
        {
            json.WriteBoolean("core-metadata", false);
        }

        if (file.Yanked is null)
        {
            json.WriteBoolean("yanked", false);
        }
        else if (file.Yanked.Length == 0)
        {
            json.WriteBoolean("yanked", true);
        }
        else
        {
            json.WriteString("yanked", file.Yanked);
        }

        // An upstream HTML page gives neither; leaving them out is honest, inventing them is not.
        if (file.Size is { } size)
        {
            json.WriteNumber("size", size);
        }

        if (file.UploadTime is { } uploaded)
        {
            json.WriteString("upload-time", uploaded.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }

        json.WriteEndObject();
    }
}
