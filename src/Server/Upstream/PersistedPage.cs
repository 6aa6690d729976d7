using System.Text.Json.Serialization;

namespace PypiForge.Server.Upstream;

/// <summary>An upstream page as kept in the cache folder, so a restart with the upstream down still serves cached files.</summary>
internal sealed record PersistedPage(string Index, string? ETag, DateTimeOffset FetchedAt, List<UpstreamFile> Files, SimpleIndex.ProjectStatus? Status = null);

[JsonSerializable(typeof(PersistedPage))]
internal sealed partial class UpstreamJsonContext : JsonSerializerContext;
