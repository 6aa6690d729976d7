using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PypiForge.Server.Catalog;

/// <summary>A small JSON document in the state folder, replaced as a whole by an atomic rename (a crash leaves the old
/// one or the new one, never half of either), so it can be copied by a backup at any moment.</summary>
public static class StateFile
{
    /// <summary>The document, the default when there is none, or why it cannot be read.</summary>
    public static T Read<T>(string path, JsonTypeInfo<T> type, T missing, out string? problem)
    {
        problem = null;
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) ?? missing : missing;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return missing;
        }
    }

    /// <summary>Writes the document next to its place, then moves it there. Throws <see cref="StateNotSavedException"/>.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        var temporary = path + $".{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(value, type));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw new StateNotSavedException(Path.GetDirectoryName(path)!, ex);
        }
    }
}
