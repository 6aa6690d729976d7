using System.Text;
using CliWrap;

namespace PypiForge.Agent.Pip;

/// <summary>
/// A CliWrap pipe target that hands a process's output to a callback line by line. Unlike
/// <see cref="PipeTarget.ToDelegate(Action{string})"/> a line is never held in memory whole:
/// output without line breaks arrives in pieces of at most <c>maxLineLength</c> characters.
/// </summary>
internal static class LinePipeTarget
{
    private const int ReadBufferSize = 16 * 1024;

    public static PipeTarget Create(Action<string> onLine, int maxLineLength)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        return PipeTarget.Create((stream, cancellationToken) => ReadLinesAsync(stream, onLine, maxLineLength, cancellationToken));
    }

    private static async Task ReadLinesAsync(Stream stream, Action<string> onLine, int maxLineLength, CancellationToken cancellationToken)
    {
        // Invalid UTF-8 becomes U+FFFD rather than an exception: a build log is still worth keeping.
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, ReadBufferSize, leaveOpen: true);
        var buffer = new char[ReadBufferSize];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    Emit(line, onLine);
                }
                else
                {
                    line.Append(c);
                    if (line.Length >= maxLineLength)
                        Emit(line, onLine);
                }
            }
        }

        if (line.Length > 0)
            Emit(line, onLine);
    }

    private static void Emit(StringBuilder line, Action<string> onLine)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line.Length--;
        onLine(line.ToString());
        line.Clear();
    }
}
