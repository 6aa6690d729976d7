namespace PypiForge.Packaging;

/// <summary>
/// Reads an archive entry to the end, refusing to hold more than a limit. Archives declare
/// entry sizes, but a crafted archive can declare a small size and inflate to gigabytes, so
/// only the bytes actually produced count.
/// </summary>
internal static class CappedReader
{
    public static byte[] ReadAll(Stream source, long maxBytes, string entryName)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        while (true)
        {
            // Ask for at most one byte past the limit: enough to know it was exceeded.
            var wanted = (int)Math.Min(chunk.Length, maxBytes - total + 1);
            var read = source.Read(chunk, 0, wanted);
            if (read == 0)
                return buffer.ToArray();
            total += read;
            if (total > maxBytes)
                throw new InvalidDistributionException($"{entryName} is larger than {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
    }
}
