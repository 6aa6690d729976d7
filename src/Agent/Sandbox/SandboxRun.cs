namespace PypiForge.Agent.Sandbox;

/// <summary>
/// One sandboxed run's scratch folder: the only place the run may write, its HOME and TMPDIR, and where
/// its results (wheels) come out. On the host it is <see cref="HostScratch"/>; inside the sandbox
/// <see cref="InsideScratch"/>. Owned by the run's own user, which is returned when this is disposed.
/// </summary>
public sealed class SandboxRun : IDisposable
{
    private readonly SandboxUsers.Lease? lease;

    internal SandboxRun(string hostScratch, string insideScratch, SandboxUsers.Lease? lease)
    {
        HostScratch = hostScratch;
        InsideScratch = insideScratch;
        this.lease = lease;
    }

    public string HostScratch { get; }

    public string InsideScratch { get; }

    /// <summary>The run's own unprivileged user, when the agent runs as root; else the agent's user (mapped in a user namespace).</summary>
    public int? Uid => lease?.Uid;

    /// <summary>The inside path of a host path under the scratch folder.</summary>
    /// <exception cref="ArgumentException">The path is not under the scratch folder.</exception>
    public string Inside(string hostPath)
    {
        if (InsideScratch == HostScratch)
            return hostPath;
        var relative = Path.GetRelativePath(HostScratch, hostPath);
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new ArgumentException($"{hostPath} is not under the run's scratch folder {HostScratch}.", nameof(hostPath));
        return relative == "." ? InsideScratch : InsideScratch.TrimEnd('/') + "/" + relative;
    }

    public void Dispose() => lease?.Dispose();
}
