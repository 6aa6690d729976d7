using System.Security.Cryptography;

namespace PypiForge.Server.Publishing;

/// <summary>A file being staged: every byte written is hashed on the way (one pass). <see cref="CompleteAsync"/> hands over a
/// <see cref="StagedFile"/>; disposing an incomplete staging removes what was written.</summary>
public sealed class Staging : IAsyncDisposable
{
    private readonly FileStream file;
    private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string fileName;
    private bool completed;

    internal Staging(string tempPath, string fileName)
    {
        this.fileName = fileName;
        file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        sha256.AppendData(data.Span);
        await file.WriteAsync(data, cancellationToken);
        Length += data.Length;
    }

    /// <summary>Ends writing; the caller owns (and disposes) the result.</summary>
    public async Task<StagedFile> CompleteAsync(CancellationToken cancellationToken)
    {
        await file.FlushAsync(cancellationToken);
        await file.DisposeAsync();
        completed = true;
        return new StagedFile(file.Name, fileName, Length, Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    public async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        sha256.Dispose();
        if (!completed)
        {
            File.Delete(file.Name);
        }
    }
}
