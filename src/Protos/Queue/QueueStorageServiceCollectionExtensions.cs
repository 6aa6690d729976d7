using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PypiForge.Protos.Queue;

/// <summary>Hangfire, the queue the server and remote agents share: its storage, chosen by Queue:Storage, and the way jobs
/// are written into it, both in this one place.</summary>
public static class QueueStorageServiceCollectionExtensions
{
    /// <summary>Hangfire on this host's queue storage. The server and remote agents both call this: a job one process
    /// enqueues another deserializes, so the storage (the "Queue" section), the data compatibility level and the
    /// serializer settings must agree. <paramref name="configure"/> adds what only this host needs (e.g. a log provider).</summary>
    public static IServiceCollection AddHangfireQueue(
        this IServiceCollection services, IConfiguration configuration, Action<IServiceProvider, IGlobalConfiguration>? configure = null)
    {
        // Registered before AddHangfire, so Hangfire's services use this host's storage and not the process-wide
        // JobStorage.Current (several hosts can live in one process, e.g. in tests).
        services.AddQueueStorage(configuration);
        services.AddHangfire((sp, hangfire) =>
        {
            hangfire
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            configure?.Invoke(sp, hangfire);
        });
        return services;
    }

    /// <summary>Registers the storage as this host's own JobStorage singleton, before AddHangfire, so Hangfire's services
    /// use it rather than the process-wide JobStorage.Current.</summary>
    private static IServiceCollection AddQueueStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>();
        services.AddSingleton<JobStorage>(static sp =>
        {
            // Hangfire's global configuration (log provider, serializer) must be in place before storage starts.
            sp.GetRequiredService<IGlobalConfiguration>();
            QueueOptions options;
            try
            {
                options = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            }
            catch (OptionsValidationException)
            {
                // Asked for before start-up validation ran (the dashboard is mapped first): that validation reports the
                // mistake and stops the host before any job runs, so this placeholder is never used.
                return new InMemoryStorage(new InMemoryStorageOptions());
            }

            return Create(options);
        });
        return services;
    }

    public static JobStorage Create(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Storage != QueueStorageKind.PostgreSql)
        {
            return new InMemoryStorage(new InMemoryStorageOptions());
        }

        var storageOptions = PostgreSqlOptions(options);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(options.ConnectionString!, storageOptions), storageOptions);
    }

    internal static PostgreSqlStorageOptions PostgreSqlOptions(QueueOptions options) => new()
    {
        SchemaName = options.Schema,
        PrepareSchemaIfNecessary = true,
        // An idle agent waits on LISTEN/NOTIFY, so a queued job starts at once; the poll interval is the fallback.
        EnableLongPolling = true,
        QueuePollInterval = options.PollInterval,
        // A running job stays invisible while its agent lives (its fetch time is renewed in the background);
        // after an agent dies it reappears within InvisibilityTimeout and another agent of the target runs it.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = options.InvisibilityTimeout,
        // Fail at start-up rather than run an agent or a server that cannot reach its queue.
        AllowDegradedModeWithoutStorage = false,
    };
}
