using PypiForge.Agent.Pip;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>Which of pip's lines show a passing network failure (a run may succeed later) and which a lasting one. The
/// lines are pip's own, from pip 18.1 (3.6), 19.2.3 (2.7), 22.0.4 (3.7), 23.2 and 24.2 against a closed port, a
/// server that resets connections or never answers, and servers answering 404, 500, 503 or 504.</summary>
public sealed class PipNetworkFailuresSpecs
{
    [Theory]
    // A closed port (a server restarting): urllib3's retry warning, pip 23.2 and 19.2.3 (indented under "Collecting").
    [InlineData("WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f1e55e23d90>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/pfx-nothing/")]
    [InlineData("  WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7fb36599cc50>: Failed to establish a new connection: [Errno 111] Connection refused',)': /simple/pfx-nothing/")]
    // pip 18.1 prints the same warning without "WARNING: ".
    [InlineData("  Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f3c32f45c10>: Failed to establish a new connection: [Errno 111] Connection refused',)': /simple/pfx-nothing/")]
    // The same, as the sub-pip that installs build back-ends prints it, indented by pip's subprocess box.
    [InlineData("      WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/setuptools/")]
    // A connection reset, a server closing without an answer, a read timeout.
    [InlineData("WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))': /simple/pfx-thing/")]
    [InlineData("  WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProtocolError('Connection aborted.', error(104, 'Connection reset by peer'))': /simple/pfx-thing/")]
    [InlineData("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProtocolError('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))': /simple/pfx-thing/")]
    [InlineData("WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPConnectionPool(host='127.0.0.1', port=18622): Read timed out. (read timeout=2.0)\")': /simple/pfx-thing/")]
    // A name lookup that failed for now.
    [InlineData("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f0>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/flask/")]
    // A download that gave up: the last line of pip's traceback (23.2, 18.1, 19.2.3), and pip's own summary.
    [InlineData("pip._vendor.requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=18999): Max retries exceeded with url: /pfx_thing-1.0.tar.gz (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f6ef6d51c10>: Failed to establish a new connection: [Errno 111] Connection refused'))")]
    [InlineData("pip._vendor.requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=18620): Max retries exceeded with url: /pfx_thing-1.0.tar.gz (Caused by ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))")]
    [InlineData("ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=18620): Max retries exceeded with url: /pfx_thing-1.0.tar.gz (Caused by ProtocolError('Connection aborted.', error(104, 'Connection reset by peer')))")]
    [InlineData("ERROR: Could not install packages due to an OSError: HTTPConnectionPool(host='127.0.0.1', port=8080): Max retries exceeded with url: /packages/pf_cext-1.0.tar.gz (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0>: Failed to establish a new connection: [Errno 111] Connection refused'))")]
    // 5xx: urllib3's status retries that gave up (pip 18.1 prints the traceback for an index page, every pip for a file)…
    [InlineData("pip._vendor.requests.exceptions.RetryError: HTTPConnectionPool(host='127.0.0.1', port=18503): Max retries exceeded with url: /simple/pfx-nothing/ (Caused by ResponseError('too many 503 error responses',))")]
    [InlineData("RetryError: HTTPConnectionPool(host='127.0.0.1', port=18500): Max retries exceeded with url: /pfx_thing-1.0.tar.gz (Caused by ResponseError('too many 500 error responses',))")]
    // …a status pip does not retry (504), for a file…
    [InlineData("  ERROR: HTTP error 504 while getting http://127.0.0.1:18504/pfx_thing-1.0.tar.gz (from http://127.0.0.1:18613/simple/pfx-thing/)")]
    [InlineData("ERROR: Could not install requirement pfx-thing from http://127.0.0.1:18504/pfx_thing-1.0.tar.gz because of HTTP error 504 Server Error: Gateway Timeout for url: http://127.0.0.1:18504/pfx_thing-1.0.tar.gz for URL http://127.0.0.1:18504/pfx_thing-1.0.tar.gz")]
    [InlineData("  ERROR: Could not install requirement pfx-thing from http://127.0.0.1:18504/pfx_thing-1.0.tar.gz because of error 504 Server Error: Gateway Timeout for url: http://127.0.0.1:18504/pfx_thing-1.0.tar.gz")]
    // …and an index page, which only pip's --log file shows (with its time stamp), after 5xx, a refused connection or a timeout.
    [InlineData("2026-12-03T16:20:06,049 Could not fetch URL http://127.0.0.1:18503/simple/pfx-nothing/: HTTPConnectionPool(host='127.0.0.1', port=18503): Max retries exceeded with url: /simple/pfx-nothing/ (Caused by ResponseError('too many 503 error responses')) - skipping")]
    [InlineData("2026-12-03T16:22:07,712   Could not fetch URL http://127.0.0.1:18504/simple/pfx-thing/: 504 Server Error: Gateway Timeout for url: http://127.0.0.1:18504/simple/pfx-thing/ - skipping")]
    [InlineData("2026-12-03T16:22:07,712 Could not fetch URL http://127.0.0.1:8080/simple/pf-pure/: connection error: HTTPConnectionPool(host='127.0.0.1', port=8080): Max retries exceeded with url: /simple/pf-pure/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0>: Failed to establish a new connection: [Errno 111] Connection refused')) - skipping")]
    [InlineData("2026-12-03T16:22:07,712 Could not fetch URL http://127.0.0.1:8080/simple/pf-pure/: timed out - skipping")]
    public void A_line_where_pip_could_not_reach_an_index_for_now_is_a_passing_failure(string line)
    {
        Assert.True(PipNetworkFailures.IsTransient(line));
    }

    [Theory]
    // What pip says with any index, reachable or not: alone, it proves nothing.
    [InlineData("ERROR: Could not find a version that satisfies the requirement pfx-nothing (from versions: none)")]
    [InlineData("ERROR: No matching distribution found for pfx-nothing")]
    // Answers that a later run gets again: no such project, no access, a certificate, a host name that does not exist.
    [InlineData("2026-12-03T16:22:07,712 Could not fetch URL http://127.0.0.1:8080/simple/pfx-nothing/: 404 Client Error: Not Found for url: http://127.0.0.1:8080/simple/pfx-nothing/ - skipping")]
    [InlineData("2026-12-03T16:22:07,712 Could not fetch URL http://127.0.0.1:8080/simple/private/: 403 Client Error: Forbidden for url: http://127.0.0.1:8080/simple/private/ - skipping")]
    [InlineData("Could not fetch URL https://pypi.example/simple/pip/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.example', port=443): Max retries exceeded with url: /simple/pip/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed')))- skipping")]
    [InlineData("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/flask/")]
    [InlineData("ERROR: HTTP error 404 while getting http://127.0.0.1:8080/packages/pf_cext-1.0.tar.gz")]
    [InlineData("ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device")]
    // A build's own output that mentions the network: not one of pip's steps.
    [InlineData("      urllib.error.URLError: <urlopen error [Errno 111] Connection refused>")]
    [InlineData("      error: command 'gcc' failed: timed out")]
    [InlineData("Successfully built pf-cext")]
    public void Other_lines_are_not(string line)
    {
        Assert.False(PipNetworkFailures.IsTransient(line));
    }

    [Fact]
    public void The_first_passing_failure_is_kept_trimmed_and_cut()
    {
        var failures = new PipNetworkFailures();

        failures.Observe("Looking in indexes: http://127.0.0.1:8080/simple/");
        failures.Observe("  WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))': /simple/a/ " + new string('x', 400));
        failures.Observe("WARNING: Retrying (Retry(total=3, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"Read timed out.\")': /simple/b/");

        Assert.StartsWith("WARNING: Retrying (Retry(total=4,", failures.First, StringComparison.Ordinal);
        Assert.Equal(PipNetworkFailures.MaxDescription + 1, failures.First!.Length);
    }
}
