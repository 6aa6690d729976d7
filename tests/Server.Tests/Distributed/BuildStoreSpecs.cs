using Hangfire.InMemory;
using Microsoft.Extensions.Options;
using Npgsql;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.Queue;
using PypiForge.Server.Builds;

namespace PypiForge.Server.Tests.Distributed;

/// <summary>The PostgreSQL build store keeps a target's one-line reason, its kind and the not-applicable state, and reads
/// rows saved before they existed (real PostgreSQL).</summary>
public sealed class BuildStoreSpecs
{
    private static readonly DateTimeOffset Created = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reasons_kinds_and_not_applicable_targets_round_trip()
    {
        using var store = await StoreAsync();
        var build = new StoredBuild("b1", 3, ["jinja2==3.1.2", "pf-nohdr==1.0"], true, false, null, "k", Created, Created.AddMinutes(2),
        [
            new StoredTarget("cp27-cp27mu-linux_x86_64", "/logs/b1/cp27.log", TargetState.NotApplicable, null, [], null, [], null, Created, null, false,
                Reason: "Jinja2 3.1.2 requires Python >=3.7; cp27-cp27mu-linux_x86_64 is Python 2.7.18", Kind: FailureKind.RequiresPython),
            new StoredTarget("cp311-cp311-linux_x86_64", "/logs/b1/cp311.log", TargetState.Failed, "7", [], "pip could not build pf-nohdr", ["line"],
                Created, Created.AddMinutes(2), TimeSpan.FromSeconds(9), false,
                Reason: "missing C header foo.h on the build host (building pf-nohdr)", Kind: FailureKind.MissingHeader),
        ]);

        store.Save(build);
        var loaded = Assert.Single(await store.LoadAllAsync(CancellationToken.None));

        Assert.Equal(
            build.Targets.Select(static t => (t.Name, t.State, t.Reason, t.Kind)),
            loaded.Targets.Select(static t => (t.Name, t.State, t.Reason, t.Kind)));
        var restored = BuildRecord.FromStored(loaded).Snapshot();
        Assert.Equal(TargetState.Failed, restored.State);
        Assert.Equal(FailureKind.RequiresPython, restored.Targets[0].Kind);
    }

    [Fact]
    public async Task A_row_saved_before_reasons_existed_reads_with_none()
    {
        using var store = await StoreAsync(out var schema);
        // A target as a server before issue 12 saved it: no Reason, no Kind.
        const string old = """
            {"Id":"old1","Version":2,"Requirements":["pf-pure==1.0"],"WithDependencies":true,"Prerelease":false,"IdempotencyKey":null,
             "DedupeKey":"k","CreatedAt":"2026-11-01T10:00:00+00:00","FinishedAt":"2026-11-01T10:01:00+00:00",
             "Targets":[{"Name":"cp311-cp311-linux_x86_64","LogPath":"/l","State":"Failed","JobId":"3","Wheels":[],"Error":"pip wheel exited with code 1.",
             "Tail":[],"StartedAt":null,"FinishedAt":null,"Duration":null,"CancelRequested":false,"ClaimHash":null,"AgentLost":null}]}
            """;
        await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO \"{schema}\".pypiforge_build (id, created_at, version, data) VALUES ('old1', now(), 2, $1::jsonb)", connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = old });
            await insert.ExecuteNonQueryAsync();
        }

        var target = Assert.Single(Assert.Single(await store.LoadAllAsync(CancellationToken.None)).Targets);

        Assert.Equal((TargetState.Failed, (string?)null, FailureKind.None), (target.State, target.Reason, target.Kind));
        Assert.Equal("pip wheel exited with code 1.", target.Error);
    }

    private static Task<PostgreSqlBuildStore> StoreAsync() => StoreAsync(out _);

    private static Task<PostgreSqlBuildStore> StoreAsync(out string schema)
    {
        schema = TestPostgres.NewSchema();
        var options = Options.Create(new QueueOptions { Storage = QueueStorageKind.PostgreSql, ConnectionString = TestPostgres.ConnectionString, Schema = schema });
        var store = new PostgreSqlBuildStore(options, new InMemoryStorage());
        return Initialized(store);

        static async Task<PostgreSqlBuildStore> Initialized(PostgreSqlBuildStore store)
        {
            await store.InitializeAsync(CancellationToken.None);
            return store;
        }
    }
}
