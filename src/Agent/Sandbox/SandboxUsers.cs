namespace PypiForge.Agent.Sandbox;

/// <summary>
/// Hands each running sandbox a user id of its own (from Agent:SandboxFirstUid up), so that two builds
/// never share a user: the per-user process limit is per build, and one build's files are not another's.
/// </summary>
public sealed class SandboxUsers(int firstUid, int count)
{
    private readonly HashSet<int> leased = [];
    private readonly Lock gate = new();

    /// <summary>Leases a free uid; dispose the lease when the sandbox has ended.</summary>
    public Lease Take()
    {
        lock (gate)
        {
            for (var uid = firstUid; uid < firstUid + count; uid++)
            {
                if (leased.Add(uid))
                    return new Lease(this, uid);
            }
        }

        throw new InvalidOperationException(
            $"All {count} sandbox user ids from {firstUid} are in use; raise Agent:WorkerCount's share or lower the concurrent runs.");
    }

    private void Return(int uid)
    {
        lock (gate)
            leased.Remove(uid);
    }

    public sealed class Lease(SandboxUsers owner, int uid) : IDisposable
    {
        private int disposed;

        public int Uid { get; } = uid;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
                owner.Return(Uid);
        }
    }
}
