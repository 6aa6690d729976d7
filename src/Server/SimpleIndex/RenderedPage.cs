using System.IO.Compression;
using System.Security.Cryptography;

namespace PypiForge.Server.SimpleIndex;

/// <summary>A page rendered once per catalog change, with its strong ETag. Compressed variants are made on first
/// demand and kept with it, so a request never renders or compresses anything that was already done while the page is
/// kept (<see cref="PageMemory"/> decides how long that is; renders are deterministic, so the ETags stay the same).</summary>
public sealed class RenderedPage
{
    private readonly Lazy<byte[]> gzip;
    private readonly Lazy<byte[]> brotli;
    private readonly Lock accounting = new();
    private PageMemory? memory;
    private long charged;
    private bool released;
    private int recentlyUsed;

    public RenderedPage(byte[] body)
    {
        Body = body;
        var tag = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12));
        ETag = $"\"{tag}\"";
        GzipETag = $"\"{tag}-gz\"";
        BrotliETag = $"\"{tag}-br\"";
        gzip = new Lazy<byte[]>(() => Counted(Compress(body, static s => new GZipStream(s, CompressionLevel.Optimal))));
        brotli = new Lazy<byte[]>(() => Counted(Compress(body, static s => new BrotliStream(s, CompressionLevel.Optimal))));
    }

    public byte[] Body { get; }

    public string ETag { get; }

    public string GzipETag { get; }

    public string BrotliETag { get; }

    public byte[] Gzip => gzip.Value;

    public byte[] Brotli => brotli.Value;

    /// <summary>What keeping this page costs: the body and the compressed copies made so far, with object overhead.</summary>
    internal long Bytes
    {
        get
        {
            lock (accounting)
                return charged;
        }
    }

    internal void KeptBy(PageMemory owner, IndexPages pages, IndexFormat format)
    {
        lock (accounting)
        {
            memory = owner;
            charged += Body.Length + Overhead;
        }

        owner.Admit(pages, format, this);
    }

    internal void MarkUsed()
    {
        if (Volatile.Read(ref recentlyUsed) == 0)
            Volatile.Write(ref recentlyUsed, 1);
    }

    /// <summary>Whether the page was asked for since the last call; clears the mark.</summary>
    internal bool TakeRecentUse() => Interlocked.Exchange(ref recentlyUsed, 0) == 1;

    /// <summary>The page is no longer kept: returns the bytes it was charged; later compressed copies are not counted.</summary>
    internal long Release()
    {
        lock (accounting)
        {
            released = true;
            return charged;
        }
    }

    // Strings, the two Lazy objects and the page itself.
    private const int Overhead = 512;

    private byte[] Counted(byte[] compressed)
    {
        PageMemory? owner;
        lock (accounting)
        {
            owner = released ? null : memory;
            if (owner is not null)
                charged += compressed.Length;
        }

        owner?.Charge(compressed.Length);
        return compressed;
    }

    private static byte[] Compress(byte[] body, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream(body.Length / 3 + 64);
        using (var stream = compressor(output))
        {
            stream.Write(body);
        }

        return output.ToArray();
    }
}
