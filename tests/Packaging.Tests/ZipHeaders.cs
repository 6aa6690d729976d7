using System.Buffers.Binary;

namespace PypiForge.Packaging.Tests;

/// <summary>The fixed-size parts of one entry's two zip headers, editable in place.</summary>
internal sealed record ZipHeaders(Memory<byte> Central, Memory<byte> Local)
{
    public uint Crc32 => BinaryPrimitives.ReadUInt32LittleEndian(Central.Span[16..]);

    public uint UncompressedSize => BinaryPrimitives.ReadUInt32LittleEndian(Central.Span[24..]);

    public void SetCentralCrc32(uint crc) => BinaryPrimitives.WriteUInt32LittleEndian(Central.Span[16..], crc);

    public void SetCentralUncompressedSize(uint size) => BinaryPrimitives.WriteUInt32LittleEndian(Central.Span[24..], size);

    public void SetLocalCrc32(uint crc) => BinaryPrimitives.WriteUInt32LittleEndian(Local.Span[14..], crc);

    public void SetLocalUncompressedSize(uint size) => BinaryPrimitives.WriteUInt32LittleEndian(Local.Span[22..], size);
}
