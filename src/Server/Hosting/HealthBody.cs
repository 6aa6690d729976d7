using System.Text.Json.Serialization;

namespace PypiForge.Server.Hosting;

internal sealed record HealthBody(string Status, Dictionary<string, HealthEntry> Checks);

internal sealed record HealthEntry(string Status, string? Description, IReadOnlyDictionary<string, object> Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(int))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
