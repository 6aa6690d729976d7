using System.Buffers.Binary;
using System.Text;

namespace PypiForge.Server.Tests.Support;

/// <summary>Edits a zip file's headers in place, to make what no writer produces and a crafted upload can.</summary>
public static class ZipPatch
{
    private const uint CentralHeaderSignature = 0x02014b50;
    private const int CentralHeaderSize = 46;

    /// <summary>
    /// Makes the central directory and the local header of <paramref name="entryName"/> state an uncompressed
    /// size of <paramref name="size"/> applied to the real one; the data and its CRC are left as they are.
    /// </summary>
    public static void SetStatedSize(string path, string entryName, Func<uint, uint> size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var at = 0; at + CentralHeaderSize <= bytes.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != CentralHeaderSignature
                || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) != name.Length
                || !bytes.AsSpan(at + CentralHeaderSize, name.Length).SequenceEqual(name))
            {
                continue;
            }

            var stated = size(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 24)));
            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 42));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), stated);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), stated);
            File.WriteAllBytes(path, bytes);
            return;
        }

        throw new ArgumentException($"'{path}' has no central-directory header for '{entryName}'.", nameof(entryName));
    }
}
