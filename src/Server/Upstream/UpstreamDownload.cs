namespace PypiForge.Server.Upstream;

/// <summary>One upstream file being fetched into the cache. Readers follow the temporary file as it grows; the file
/// becomes a cache entry only when complete and its sha256 matches (then it is moved into place atomically).</summary>
internal sealed class UpstreamDownload(string sha256, string temporaryPath, string finalPath)
{
    private readonly TaskCompletionSource<string?> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Sha256 { get; } = sha256;

    public string TemporaryPath { get; } = temporaryPath;

    public string FinalPath { get; } = finalPath;

    /// <summary>The length the upstream announced (or its page listed); null when neither said.</summary>
    public long? Length { get; private set; }

    /// <summary>Null once bytes are flowing into <see cref="TemporaryPath"/>; otherwise why nothing will come.</summary>
    public Task<string?> Started => started.Task;

    /// <summary>Null once the verified file is at <see cref="FinalPath"/>; otherwise why the download failed.</summary>
    public Task<string?> Completed => completed.Task;

    /// <summary>Completes at the next write; take it before reading, so a write between the read and the wait is not missed.</summary>
    public Task NextProgress => Volatile.Read(ref progress).Task;

    public void Begin(long? length)
    {
        Length = length;
        started.TrySetResult(null);
    }

    public void Advance() => Interlocked.Exchange(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Succeed()
    {
        started.TrySetResult(null);
        completed.TrySetResult(null);
        Advance();
    }

    public void Fail(string problem)
    {
        started.TrySetResult(problem);
        completed.TrySetResult(problem);
        Advance();
    }
}
