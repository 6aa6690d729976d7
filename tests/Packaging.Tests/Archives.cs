using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>Builds distribution archives in memory, as the tools that upload them would.</summary>
internal static class Archives
{
    public static (string Name, byte[] Content) File(string name, string content) => (name, Encoding.UTF8.GetBytes(content));

    public static (string Name, byte[] Content) File(string name, byte[] content) => (name, content);

    public static MemoryStream Zip(params (string Name, byte[] Content)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static MemoryStream Zip(CompressionLevel level, params (string Name, byte[] Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(content);
            }
        }
        stream.Position = 0;
        return stream;
    }

    public static MemoryStream TarGz(params (string Name, byte[] Content)[] entries) => Gzip(Tar(entries).ToArray());

    public static MemoryStream Tar(params (string Name, byte[] Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }
        stream.Position = 0;
        return stream;
    }

    public static MemoryStream Gzip(byte[] content)
    {
        var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        stream.Position = 0;
        return stream;
    }

    public static MemoryStream Bytes(string content) => new(Encoding.UTF8.GetBytes(content));

    /// <summary>
    /// A copy of <paramref name="zip"/> whose records for <paramref name="entryName"/> state
    /// other values than its data has: <paramref name="edit"/> gets the central-directory header
    /// and the local header (from their signatures on) and changes what it wants. No writer
    /// produces this; a crafted upload can.
    /// </summary>
    public static MemoryStream PatchZipEntry(MemoryStream zip, string entryName, Action<ZipHeaders> edit)
    {
        var bytes = zip.ToArray();
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var at = 0; at + 46 <= bytes.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != 0x02014b50
                || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) != name.Length
                || !bytes.AsSpan(at + 46, name.Length).SequenceEqual(name))
                continue;

            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 42));
            edit(new ZipHeaders(bytes.AsMemory(at, 46), bytes.AsMemory(local, 30)));
            return new MemoryStream(bytes);
        }

        throw new ArgumentException($"no central-directory header for '{entryName}'", nameof(entryName));
    }

    /// <summary>
    /// One ustar header block, written by hand so that tests can put values in it that no
    /// writer would produce. <paramref name="damage"/> edits the block before the checksum is
    /// computed, so the damage is not caught by the checksum.
    /// </summary>
    public static byte[] TarHeader(string name, TarEntryType type, Action<byte[]> damage)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100); // mode
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108); // uid
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116); // gid
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 124); // size
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136); // mtime
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\000").CopyTo(header, 257);
        damage(header);
        Array.Fill(header, (byte)' ', 148, 8);
        var checksum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }
}

