namespace PypiForge.Agent.Sandbox;

/// <summary>
/// Resolves a path inside a root filesystem the way the root's own programs see it: symbolic links
/// are followed, and an absolute link target (<c>/usr/bin/python3 -> /etc/alternatives/...</c>)
/// starts again at the root, never at the host's <c>/</c>.
/// </summary>
internal static class RootPath
{
    private const int MaxLinks = 40;

    /// <summary>The host path of <paramref name="pathInRoot"/> with every link resolved, or null when it does not exist.</summary>
    public static string? Resolve(string root, string pathInRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(pathInRoot);
        var pending = new Stack<string>(Split(pathInRoot).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            var host = Host(root, [.. resolved, part]);
            var info = new FileInfo(host);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                    return null;
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (var piece in Split(target).Reverse())
                    pending.Push(piece);
                continue;
            }

            if (!info.Exists && !Directory.Exists(host))
                return null;
            resolved.Add(part);
        }

        return Host(root, resolved);
    }

    /// <summary>The path as the root sees it (<c>/usr/bin/python3.11</c>) for a host path under it.</summary>
    public static string Inside(string root, string hostPath) => "/" + Path.GetRelativePath(root, hostPath).Replace('\\', '/');

    private static string Host(string root, IEnumerable<string> parts) => Path.Combine([root, .. parts]);

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
