namespace PypiForge.Server.Publishing;

/// <summary>Bytes written under a hidden temporary name in the package root (so on its file system: committing is a
/// rename), with the digest computed while they were written. Disposing removes the temporary file if it was not
/// committed, so a failure or a cancellation leaves no partial file.</summary>
public sealed class StagedFile(string tempPath, string fileName, long length, string sha256) : IDisposable
{
    /// <summary>Where the bytes are now; a hidden name the catalog ignores.</summary>
    public string TempPath { get; } = tempPath;

    /// <summary>The file name the bytes are to be served under.</summary>
    public string FileName { get; } = fileName;

    public long Length { get; } = length;

    /// <summary>Lower-case hex sha256 of the bytes, computed while they were staged.</summary>
    public string Sha256 { get; } = sha256;

    public void Dispose() => File.Delete(TempPath);
}
