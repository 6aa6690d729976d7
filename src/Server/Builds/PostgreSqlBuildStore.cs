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
    private readonly string schema;
    private readonly string table;

    public PostgreSqlBuildStore(IOptions<QueueOptions> options, JobStorage storage)
    {
        // Hangfire creates its schema when its storage is made; resolving it first puts the table in after it.
        _ = storage;
        var value = options.Value;
        dataSource = NpgsqlDataSource.Create(value.ConnectionString!);
        schema = value.Schema;
        table = $"\"{value.Schema}\".pypiforge_build";
    }

    /// <summary>Creates the table once, at start-up, before any request or job (it used to be made synchronously in the
    /// constructor, on whichever request first needed the store).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"; "
            + $"CREATE TABLE IF NOT EXISTS {table} (id text PRIMARY KEY, created_at timestamptz NOT NULL, version bigint NOT NULL, data jsonb NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredBuild>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT data FROM {table} ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var builds = new List<StoredBuild>();
        while (await reader.ReadAsync(cancellationToken))
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
