using System.Text;

namespace PypiForge.Agent.Pip;

/// <summary>
/// Where a build's output goes: every line to the log file (appended and flushed line by line,
/// so that a watcher can follow it), to the caller's callback, and to a capped tail in memory.
/// stdout and stderr are read concurrently, so every member is thread-safe.
/// </summary>
internal sealed class BuildLog : IDisposable
{
    public const int TailLines = 200;
    public const int TailLineLength = 4096;

    private readonly Lock _gate = new();
    private readonly StreamWriter _file;
    private readonly LineTail _tail = new(TailLines, TailLineLength);
    private readonly PipFailures _failures = new();
    private readonly PipNetworkFailures _network = new();
    private readonly PipDiagnosis _diagnosis = new();
    private Action<string>? _onLine;

    public BuildLog(string path, Action<string>? onLine)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _file = new StreamWriter(stream, new UTF8Encoding(false));
        _onLine = onLine;
    }

    /// <summary>Raised once when the callback throws; the callback is not called again.</summary>
    public event Action<Exception>? CallbackFailed;

    /// <summary>
    /// One line of the process's output. The callback runs under the lock, so it sees lines one
    /// at a time and in the order they were logged, even with stdout and stderr interleaved.
    /// </summary>
    public void Add(string line)
    {
        lock (_gate)
        {
            _file.WriteLine(line);
            _file.Flush();
            _tail.Add(line);
            _failures.Observe(line);
            _network.Observe(line);
            _diagnosis.Observe(line);

            if (_onLine is null)
                return;
            try
            {
                _onLine(line);
            }
#pragma warning disable CA1031 // A failing observer must not stop the reading, or pip blocks on a full pipe.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _onLine = null;
                CallbackFailed?.Invoke(ex);
            }
        }
    }

    /// <summary>A line of the agent's own (a header or a summary): written to the file only.</summary>
    public void Note(string line)
    {
        lock (_gate)
        {
            _file.WriteLine(line);
            _file.Flush();
        }
    }

    public IReadOnlyList<string> Tail() => _tail.Lines();

    /// <summary>The projects pip's output said it could not build or find (see <see cref="PipFailures"/>).</summary>
    public IReadOnlyList<string> FailedProjects()
    {
        lock (_gate)
            return [.. _failures.Projects];
    }

    /// <summary>Whether pip said it failed to build a wheel (see <see cref="PipFailures.BuildFailed"/>).</summary>
    public bool BuildFailed()
    {
        lock (_gate)
            return _failures.BuildFailed;
    }

    /// <summary>The first output line that showed a passing network failure (see <see cref="PipNetworkFailures"/>); null when none did.</summary>
    public string? NetworkFailure()
    {
        lock (_gate)
            return _network.First;
    }

    /// <summary>What pip's output said went wrong (see <see cref="PipDiagnosis"/>).</summary>
    public PipFindings Findings()
    {
        lock (_gate)
            return _diagnosis.Findings();
    }

    public void Dispose()
    {
        lock (_gate)
            _file.Dispose();
    }
}
