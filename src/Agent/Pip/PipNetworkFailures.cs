using System.Text.RegularExpressions;

namespace PypiForge.Agent.Pip;

/// <summary>
/// Whether pip's output says it could not reach an index or file host for a reason that passes: the connection was
/// refused or reset, a read timed out, the name lookup failed for now, or the server answered 5xx. Those are what a
/// restarting server looks like to pip, and a later run may succeed. A 4xx, a certificate problem or a host name that
/// does not exist are not counted: running again changes nothing.
/// <para>
/// pip (18.1 to 25) says so in several ways: urllib3's <c>Retrying (Retry(total=…)) after connection broken by
/// '…Connection refused…'</c> warning, printed at every level, also by the sub-pip that installs build back-ends; the
/// <c>…ConnectionPool(…): Max retries exceeded with url: … (Caused by …)</c> of a download that gave up (in a traceback,
/// or after <c>Could not install packages due to an OSError</c>); <c>HTTP error 503 while getting …</c> for a file. A
/// line counts when it names both a network step of pip's and a passing cause, so a build's own output ("connection
/// refused" in a test run by setup.py) is not mistaken for it.
/// </para>
/// <para>
/// Not seen: an index page answered with 5xx. pip from 19 on says only <c>Could not fetch URL …: 503 Server Error</c>,
/// at debug level, which its console never shows (its <c>--log</c> file would, but with one pip also leaves a failed
/// build's own output out of its console); then "No matching distribution found" is all there is, and counts as lasting.
/// pip 18.1 fails with a traceback that names the 5xx, which counts.
/// </para>
/// Not thread-safe: fed from under <see cref="BuildLog"/>'s lock.
/// </summary>
internal sealed partial class PipNetworkFailures
{
    /// <summary>Longer lines are cut for the message (the log has them whole).</summary>
    public const int MaxDescription = 500;

    /// <summary>The first line that showed a passing network failure, trimmed and cut at <see cref="MaxDescription"/>;
    /// null when none did.</summary>
    public string? First { get; private set; }

    /// <summary>True when <paramref name="line"/> shows a passing network failure of pip's.</summary>
    public static bool IsTransient(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return NetworkStep().IsMatch(line) && PassingCause().IsMatch(line);
    }

    public void Observe(string line)
    {
        if (First is null && IsTransient(line))
        {
            var trimmed = line.Trim();
            First = trimmed.Length <= MaxDescription ? trimmed : trimmed[..MaxDescription] + "…";
        }
    }

    // What pip and its urllib3 say when a request fails: a retry, a request that gave up, an index page skipped (debug
    // level; in pip's --log file), a download refused, a download that failed with an OSError.
    [GeneratedRegex(
        @"Retrying \(Retry\(total=|Max retries exceeded with url|Could not fetch URL |HTTP error \d{3} while getting|because of (?:HTTP )?error \d{3}|Could not install packages due to an (?:OSError|EnvironmentError)|(?:ConnectionError|ReadTimeoutError|ConnectTimeoutError|ProtocolError)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex NetworkStep();

    // Causes that pass: the server was down or restarting, overloaded, or the network was, for now.
    [GeneratedRegex(
        @"Connection refused|Connection reset|Connection aborted|RemoteDisconnected|Remote end closed connection|[Tt]imed out|too many 5\d\d error responses|\b5\d\d Server Error|HTTP error 5\d\d|error 5\d\d\b|Temporary failure in name resolution|IncompleteRead|Connection broken",
        RegexOptions.CultureInvariant)]
    private static partial Regex PassingCause();
}
