namespace PypiForge.Server.Catalog;

/// <summary>A once-set cache field on an immutable owner (a snapshot or a project): the first value stored wins.</summary>
internal static class CacheSlot
{
    public static T GetOrAdd<TOwner, T>(ref object? slot, TOwner owner, Func<TOwner, T> factory)
        where T : class
    {
        if (Volatile.Read(ref slot) is T existing)
        {
            return existing;
        }

        var created = factory(owner);
        return Interlocked.CompareExchange(ref slot, created, null) as T ?? created;
    }
}
