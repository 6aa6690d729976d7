using PypiForge.Server.Catalog;

namespace PypiForge.Server.Publishing;

/// <summary>How a commit ended, and the file served under that name now (the committed one, or the one that was there
/// first; null when the catalog does not serve it, e.g. it was removed meanwhile).</summary>
public sealed record CommitResult(CommitOutcome Outcome, CatalogFile? Served);
