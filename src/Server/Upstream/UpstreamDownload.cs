namespace PypiForge.Server.Upstream;

/// <summary>One upstream file being fetched into the cache, shared by every request for it. The file becomes a cache
/// entry only when complete and its sha256 matches (then it is moved into place atomically); requests wait for that
/// and are served from the entry, so no byte reaches a client before the whole file is verified.</summary>
internal sealed class UpstreamDownload(string sha256, string temporaryPath, string finalPath)
{
    private readonly TaskCompletionSource<string?> completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int waiters;

    public string Sha256 { get; } = sha256;

    public string TemporaryPath { get; } = temporaryPath;

    public string FinalPath { get; } = finalPath;

    /// <summary>Null once the verified file is at <see cref="FinalPath"/>; otherwise why the download failed.</summary>
    public Task<string?> Completed => completed.Task;

    /// <summary>Requests waiting for this download now.</summary>
    public int Waiters => Volatile.Read(ref waiters);

    /// <summary>Waits for the download on behalf of one request; null when the file is in place, otherwise why not.</summary>
    public async Task<string?> WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiters);
        try
        {
            return await Completed.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref waiters);
        }
    }

    public void Succeed() => completed.TrySetResult(null);

    public void Fail(string problem) => completed.TrySetResult(problem);
}
