using PypiForge.Server.Catalog;

namespace PypiForge.Server.SimpleIndex;

/// <summary>The pages of a local project, rendered once per catalog entry and status: a status set through the API shows
/// at once, without waiting for the project's files to change.</summary>
public static class LocalPages
{
    public static IndexPages Of(ProjectEntry entry, LocalProjectStatus? status)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.GetOrAddPages(static _ => new ByStatus()).For(entry, status);
    }

    private sealed class ByStatus
    {
        private Made? made;

        public IndexPages For(ProjectEntry entry, LocalProjectStatus? status)
        {
            var current = Volatile.Read(ref made);
            if (current is not null && ReferenceEquals(current.Status, status))
            {
                return current.Pages;
            }

            // The page model is made again for each render, not kept: the catalog entry is already in memory, and a
            // project's model (a record and a URL per file) would otherwise stay for as long as the entry does.
            var pages = IndexPages.For(() => IndexProject.From(entry, status));
            Volatile.Write(ref made, new Made(status, pages));
            return pages;
        }

        private sealed record Made(LocalProjectStatus? Status, IndexPages Pages);
    }
}
