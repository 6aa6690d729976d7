using System.IO.Compression;
using System.Security.Cryptography;

namespace PypiForge.Server.SimpleIndex;

/// <summary>A page rendered once per catalog change, with its strong ETag. Compressed variants are made on first
/// demand and kept, so a request never renders or compresses anything that was already done.</summary>
public sealed class RenderedPage
{
    private readonly Lazy<byte[]> gzip;
    private readonly Lazy<byte[]> brotli;

    public RenderedPage(byte[] body)
    {
        Body = body;
        var tag = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12));
        ETag = $"\"{tag}\"";
        GzipETag = $"\"{tag}-gz\"";
        BrotliETag = $"\"{tag}-br\"";
        gzip = new Lazy<byte[]>(() => Compress(body, static s => new GZipStream(s, CompressionLevel.Optimal)));
        brotli = new Lazy<byte[]>(() => Compress(body, static s => new BrotliStream(s, CompressionLevel.Optimal)));
    }

    public byte[] Body { get; }

    public string ETag { get; }

    public string GzipETag { get; }

    public string BrotliETag { get; }

    public byte[] Gzip => gzip.Value;

    public byte[] Brotli => brotli.Value;

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
