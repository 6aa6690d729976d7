namespace PypiForge.Agent.Pip;

/// <summary>The last lines of some output, each cut to a maximum length; thread-safe.</summary>
internal sealed class LineTail(int maxLines, int maxLineLength)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var kept = line.Length <= maxLineLength ? line : line[..maxLineLength];
        lock (_gate)
        {
            if (_lines.Count == maxLines)
                _lines.Dequeue();
            _lines.Enqueue(kept);
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
            return _lines.ToArray();
    }
}
