namespace PypiForge.Tests.Common;

/// <summary>Processes of this machine as the host sees them (every PID namespace's processes appear in the host's /proc).</summary>
public static class HostProcesses
{
    /// <summary>Pids of processes whose command line has <paramref name="argument"/> as one of its arguments.</summary>
    public static IReadOnlyList<int> WithArgument(string argument)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
                continue;
            try
            {
                var arguments = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                if (arguments.Contains(argument, StringComparer.Ordinal))
                    found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }

        return found;
    }

    /// <summary>The parent of a process, or 0 when it is gone.</summary>
    public static int Parent(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(static l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? 0 : int.Parse(line[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>A number no other process has on its command line, for a build script to mark its children with.</summary>
    public static string Marker() =>
        $"{Random.Shared.Next(1000, 9000)}.{Random.Shared.Next(100, 999)}";
}
