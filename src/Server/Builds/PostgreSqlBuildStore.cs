using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;
using PypiForge.Protos.Queue;

namespace PypiForge.Server.Builds;

/// <summary>Build records in a table next to Hangfire's (same database and schema), one JSON document per build,
/// so a restarted server knows every queued, running and finished build.</summary>
internal sealed class PostgreSqlBuildStore : IBuildStore, IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly string table;

    public PostgreSqlBuildStore(IOptions<QueueOptions> options, JobStorage storage)
    {
        // Hangfire creates the schema when its storage starts; the table goes in after it (storage is resolved first).
        _ = storage;
        var value = options.Value;
        dataSource = NpgsqlDataSource.Create(value.ConnectionString!);
        table = $"\"{value.Schema}\".pypiforge_build";
        using var command = dataSource.CreateCommand(
            $"CREATE SCHEMA IF NOT EXISTS \"{value.Schema}\"; "
            + $"CREATE TABLE IF NOT EXISTS {table} (id text PRIMARY KEY, created_at timestamptz NOT NULL, version bigint NOT NULL, data jsonb NOT NULL)");
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<StoredBuild> LoadAll()
    {
        using var command = dataSource.CreateCommand($"SELECT data FROM {table} ORDER BY created_at, id");
        using var reader = command.ExecuteReader();
        var builds = new List<StoredBuild>();
        while (reader.Read())
        {
            var build = JsonSerializer.Deserialize(reader.GetString(0), StoredBuildJsonContext.Default.StoredBuild);
            if (build is not null)
            {
                builds.Add(build);
            }
        }

        return builds;
    }

    public void Save(StoredBuild build)
    {
        using var command = dataSource.CreateCommand(
            $"INSERT INTO {table} (id, created_at, version, data) VALUES ($1, $2, $3, $4::jsonb) "
            + $"ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data WHERE {table}.version < excluded.version");
        command.Parameters.Add(new NpgsqlParameter { Value = build.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = build.CreatedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = build.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(build, StoredBuildJsonContext.Default.StoredBuild) });
        command.ExecuteNonQuery();
    }

    public void Dispose() => dataSource.Dispose();
}
