using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PypiForge.Server.Catalog;

namespace PypiForge.Server.Files;

/// <summary>Opens a catalog file for a download with as few system calls as the rules allow. On Linux 5.6 and later
/// one <c>openat2</c> with <c>RESOLVE_NO_SYMLINKS</c> refuses a link anywhere on the way below the root's real path, in
/// the kernel, with no window between a check and the open; <c>O_NONBLOCK</c> keeps a FIFO put in a file's place from
/// holding the request. Where <c>openat2</c> is refused (an older kernel, a seccomp filter), <c>open</c> with
/// <c>O_NOFOLLOW</c> and a <c>readlink</c> of the open descriptor (the kernel's name of the file it opened) do the same
/// in two calls (that readlink costs about a tenth of a download's CPU: measured, docs/benchmarks.md); without
/// <c>/proc</c>, the catalog's check by path (<see cref="CatalogPaths.IsLinked"/>, a <c>stat</c> per segment, twice).
/// Then one <c>fstat</c> each for type and size.</summary>
internal static partial class ServedFile
{
    /// <summary>Why a file was not opened.</summary>
    public enum Refusal
    {
        None,
        Missing,
        Linked,
        Changed,
    }

    /// <summary>How links are refused, best first; the best this system allows is found once.</summary>
    public enum Method
    {
        Openat2,
        OpenAndReadlink,
        ByPath,
    }

    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    // O_NOFOLLOW differs by architecture: 0400000 on x86 and x86-64, 0100000 on ARM and AArch64.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86
        ? 0x20000
        : 0x8000;

    // openat2(2): the same number on every architecture (new system calls share one table since Linux 5.1).
    private const long Openat2Number = 437;
    private const long AtCurrentDirectory = -100;
    private const ulong ResolveNoSymlinks = 0x04;
    private const int NotPermitted = 1;
    private const int TooManyLinks = 40;
    private const int NoSuchCall = 38;

    // Real paths of served roots, found once; a root moved or relinked while serving is found again on a refusal.
    private static readonly ConcurrentDictionary<string, string> RealRoots = new(StringComparer.Ordinal);

    private static Method best = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd") ? Method.Openat2 : Method.ByPath;

    /// <summary>Opens <paramref name="relativePath"/> under <paramref name="root"/> when it is still the regular file
    /// of <paramref name="expectedSize"/> bytes the catalog saw, with no link anywhere below the root.</summary>
    public static Refusal TryOpen(string root, string relativePath, long expectedSize, out SafeFileHandle? handle) =>
        TryOpen(root, relativePath, expectedSize, best, out handle);

    internal static Refusal TryOpen(string root, string relativePath, long expectedSize, Method method, out SafeFileHandle? handle)
    {
        if (method == Method.ByPath)
        {
            return OpenByPath(root, relativePath, expectedSize, out handle);
        }

        var full = Path.Join(RealRoot(root, refresh: false), relativePath);
        var refusal = OpenUnder(full, expectedSize, method, out handle);
        if (refusal != Refusal.Linked)
        {
            return refusal;
        }

        // The root itself may have been moved or relinked by the operator: try once more below its real path now.
        var again = Path.Join(RealRoot(root, refresh: true), relativePath);
        return again == full ? refusal : OpenUnder(again, expectedSize, method, out handle);
    }

    private static Refusal OpenUnder(string full, long expectedSize, Method method, out SafeFileHandle? handle)
    {
        handle = null;
        int opened;
        if (method == Method.Openat2)
        {
            var how = new OpenHow { Flags = (ulong)(ReadOnly | NonBlocking | NoFollow | CloseOnExec), Resolve = ResolveNoSymlinks };
            opened = (int)OpenAt2(Openat2Number, AtCurrentDirectory, full, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (opened < 0 && Marshal.GetLastPInvokeError() is NoSuchCall or NotPermitted)
            {
                // Not this kernel's, or filtered out (a container's seccomp profile): two calls from now on.
                best = Method.OpenAndReadlink;
                return OpenUnder(full, expectedSize, Method.OpenAndReadlink, out handle);
            }
        }
        else
        {
            opened = Open(full, ReadOnly | NonBlocking | NoFollow | CloseOnExec);
        }

        if (opened < 0)
        {
            // ELOOP: a link (openat2: anywhere on the way; open: the file itself). Anything else (ENOENT, ENOTDIR,
            // EACCES): it is not there to serve.
            return Marshal.GetLastPInvokeError() == TooManyLinks ? Refusal.Linked : Refusal.Missing;
        }

        var candidate = new SafeFileHandle(opened, ownsHandle: true);
        var refusal = method == Method.OpenAndReadlink && !OpenedAt(candidate, full)
            ? File.Exists(full) ? Refusal.Linked : Refusal.Missing
            : IsExpected(candidate, expectedSize) ? Refusal.None : Refusal.Changed;
        if (refusal != Refusal.None)
        {
            candidate.Dispose();
            return refusal;
        }

        handle = candidate;
        return Refusal.None;
    }

    // The kernel's name of the open file: another path means a folder on the way was a link, or the file was removed
    // or renamed since (" (deleted)").
    private static bool OpenedAt(SafeFileHandle candidate, string expectedPath) =>
        string.Equals(new FileInfo($"/proc/self/fd/{candidate.DangerousGetHandle()}").LinkTarget, expectedPath, StringComparison.Ordinal);

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
            // Without O_NONBLOCK a FIFO here would hold the request: the catalog's own type check (lstat) comes first.
            var info = new FileInfo(Path.Combine(root, relativePath));
            if (!info.Exists || info.Length != expectedSize)
            {
                return info.Exists || Directory.Exists(info.FullName) ? Refusal.Changed : Refusal.Missing;
            }

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

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long OpenAt2(long number, long directory, string path, ref OpenHow how, nuint size);

    /// <summary><c>struct open_how</c> of openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }
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
