namespace PypiForge.Tests.Common;

/// <summary>A root filesystem whose <c>/usr/bin/python3</c> is an s390x program (a real ELF header, nothing more): no
/// qemu handler for s390x is registered on the test machines, so it shows what an operator sees for an unregistered
/// architecture.</summary>
public static class ForeignRoot
{
    public static string S390x(string folder)
    {
        var bin = Directory.CreateDirectory(Path.Combine(folder, "usr", "bin")).FullName;
        var header = new byte[64];
        header[0] = 0x7f;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = 2; // 64-bit
        header[5] = 2; // big-endian
        header[6] = 1; // ELF version
        header[17] = 2; // ET_EXEC
        header[19] = 22; // EM_S390
        File.WriteAllBytes(Path.Combine(bin, "python3"), header);
        return folder;
    }
}
