namespace PypiForge.Server.Hosting;

/// <summary>Recognises "the disk is full" among I/O failures, so it is reported as what it is (HTTP 507, gRPC
/// ResourceExhausted) and not as a malformed request or a generic error.</summary>
public static class DiskSpace
{
    // On Unix .NET puts the errno in HResult: ENOSPC and EDQUOT (Linux numbering). On Windows, the Win32 codes as HRESULTs.
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when <paramref name="exception"/>, or an I/O exception inside it, says the disk or the quota is full.</summary>
    public static bool IsFull(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is IOException { HResult: NoSpace or QuotaExceeded or WindowsDiskFull or WindowsHandleDiskFull })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first sentence of every disk-full message: which folder could not be written.</summary>
    public static string NoSpaceIn(string folder) => $"No space left on the server's disk ({folder})";
}
