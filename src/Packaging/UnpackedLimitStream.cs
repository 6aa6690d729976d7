namespace PypiForge.Packaging;

/// <summary>
/// Passes on the output of a decompressor until it has produced a limit of bytes, then throws.
/// Reading a tar from a compressed stream means decompressing every entry before the one
/// wanted, and a few hundred bytes of bzip2 or kilobytes of xz can unpack to gigabytes.
/// </summary>
internal sealed class UnpackedLimitStream(Stream source, long maxBytes, string format) : Stream
{
    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => total;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for at most one byte past the limit: enough to know it was exceeded.
        var wanted = (int)Math.Min(buffer.Length, maxBytes - total + 1);
        var read = source.Read(buffer[..wanted]);
        total += read;
        if (total > maxBytes)
        {
            throw new InvalidDistributionException(
                $"the {format} archive unpacks to more than {maxBytes} bytes before its PKG-INFO; "
                + "a real sdist puts PKG-INFO near the start or is far smaller (a decompression bomb?)");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
