using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Files;

/// <summary>Opens a catalog file for a download with as few system calls as the rules allow: one <c>open</c> that
/// refuses a final symbolic link and never waits (a FIFO put in a file's place), one <c>readlink</c> of the open
/// descriptor that proves no folder on the way was a link (the kernel names the file it opened, so a swap between
/// check and open cannot slip through), and one <c>fstat</c> for the type and size. The catalog's checks by path
/// (<see cref="CatalogPaths.IsLinked"/>) take one <c>stat</c> per path segment, twice; they remain the fallback
/// where <c>/proc</c> is not mounted or the system is not Linux.</summary>
internal static partial class ServedFile
{
    // Real paths of served roots, found once; a root moved or relinked while serving is found again on a mismatch.
    private static readonly ConcurrentDictionary<string, string> RealRoots = new(StringComparer.Ordinal);

    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    // O_NOFOLLOW differs by architecture: 0400000 on x86 and x86-64, 0100000 on ARM and AArch64.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86
        ? 0x20000
        : 0x8000;

    private static readonly bool Native = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    public enum Refusal
    {
        None,
        Missing,
        Linked,
        Changed,
    }

    /// <summary>Opens <paramref name="relativePath"/> under <paramref name="root"/> when it is still the regular file
    /// of <paramref name="expectedSize"/> bytes the catalog saw, with no link anywhere below the root.</summary>
    public static Refusal TryOpen(string root, string relativePath, long expectedSize, out SafeFileHandle? handle)
    {
        handle = null;
        if (!Native)
        {
            return OpenByPath(root, relativePath, expectedSize, out handle);
        }

        var full = Path.Join(RealRoot(root, refresh: false), relativePath);
        var opened = Open(full, ReadOnly | NonBlocking | NoFollow | CloseOnExec);
        if (opened < 0)
        {
            // ELOOP (40): the file itself is a link. Anything else (ENOENT, ENOTDIR, EACCES): it is not there to serve.
            return Marshal.GetLastPInvokeError() == 40 ? Refusal.Linked : Refusal.Missing;
        }

        var candidate = new SafeFileHandle(opened, ownsHandle: true);
        var refusal = Check(candidate, full, expectedSize);
        if (refusal == Refusal.Linked)
        {
            // The root itself may have been moved or relinked by the operator: compare against its real path now.
            var again = Path.Join(RealRoot(root, refresh: true), relativePath);
            refusal = again == full ? refusal : Check(candidate, again, expectedSize);
        }

        if (refusal != Refusal.None)
        {
            candidate.Dispose();
            return refusal;
        }

        handle = candidate;
        return Refusal.None;
    }

    private static Refusal Check(SafeFileHandle candidate, string expectedPath, long expectedSize)
    {
        var opened = new FileInfo($"/proc/self/fd/{candidate.DangerousGetHandle()}").LinkTarget;
        if (opened is null)
        {
            return Refusal.Missing;
        }

        if (!string.Equals(opened, expectedPath, StringComparison.Ordinal))
        {
            // A folder on the way was a link, or the file was removed or renamed since (" (deleted)").
            return File.Exists(expectedPath) ? Refusal.Linked : Refusal.Missing;
        }

        return IsExpected(candidate, expectedSize) ? Refusal.None : Refusal.Changed;
    }

    // Not a regular file any more (a folder, a FIFO, a device) or not the size the catalog read: the digest and length
    // on the project page no longer describe it, so it is not served until the catalog has looked at it again.
    private static bool IsExpected(SafeFileHandle handle, long expectedSize)
    {
        try
        {
            return (File.GetAttributes(handle) & (FileAttributes.Directory | FileAttributes.Device)) == 0
                && RandomAccess.GetLength(handle) == expectedSize;
        }
        catch (NotSupportedException)
        {
            // A pipe or socket: it has no length to read.
            return false;
        }
    }

    private static Refusal OpenByPath(string root, string relativePath, long expectedSize, out SafeFileHandle? handle)
    {
        handle = null;
        if (CatalogPaths.IsLinked(root, relativePath))
        {
            return Refusal.Linked;
        }

        SafeFileHandle candidate;
        try
        {
            candidate = File.OpenHandle(Path.Combine(root, relativePath), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return Refusal.Missing;
        }

        var refusal = CatalogPaths.IsLinked(root, relativePath) ? Refusal.Linked
            : IsExpected(candidate, expectedSize) ? Refusal.None
            : Refusal.Changed;
        if (refusal != Refusal.None)
        {
            candidate.Dispose();
            return refusal;
        }

        handle = candidate;
        return Refusal.None;
    }

    private static string RealRoot(string root, bool refresh)
    {
        if (!refresh && RealRoots.TryGetValue(root, out var known))
        {
            return known;
        }

        var full = Path.GetFullPath(root);
        var real = full;
        var opened = Open(full, ReadOnly | NonBlocking | CloseOnExec);
        if (opened >= 0)
        {
            using var directory = new SafeFileHandle(opened, ownsHandle: true);
            real = new FileInfo($"/proc/self/fd/{opened}").LinkTarget ?? full;
        }

        RealRoots[root] = real;
        return real;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}

/// <summary>A served file read with positional reads (<c>pread</c>) on the request's thread: for a file in the page
/// cache a read costs less than the hand-off to the thread pool an asynchronous file read makes on Linux. Seekable, so
/// range requests are answered from it; each read is at most the copy buffer the response uses (64 KiB).</summary>
internal sealed class PackageFileStream(SafeFileHandle handle, long length) : Stream
{
    private long position;

    public override bool CanRead => !handle.IsClosed;

    public override bool CanSeek => !handle.IsClosed;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(Span<byte> buffer)
    {
        var read = RandomAccess.Read(handle, buffer[..(int)Math.Min(buffer.Length, Math.Max(0, length - position))], position);
        position += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<int>(cancellationToken)
            : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        position = target;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
