using Npgsql;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>The throwaway PostgreSQL cluster scripts/test.sh starts (connection string in PYPIFORGE_TEST_POSTGRES).
/// Without it these tests fail, never skip: the distributed engine is only tested against the real database.</summary>
public static class TestPostgres
{
    public const string Variable = "PYPIFORGE_TEST_POSTGRES";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a PostgreSQL server. Run them through scripts/test.sh, which installs "
                + "Debian's postgresql and starts a throwaway cluster on loopback, or set it, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres\".");

    /// <summary>A schema of its own per test: Hangfire's tables and the build records of one test never meet another's.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<long> CountAsync(string schema, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal), connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
