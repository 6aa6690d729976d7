using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PypiForge.Agent.Queue;

/// <summary>Hangfire's storage, chosen by Queue:Storage in this one place, for the server and remote agents alike.</summary>
public static class QueueStorageServiceCollectionExtensions
{
    /// <summary>Registers the storage as this host's own JobStorage singleton. Call before AddHangfire, so Hangfire's services
    /// use it rather than the process-wide JobStorage.Current (several hosts can live in one process, e.g. in tests).</summary>
    public static IServiceCollection AddQueueStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueueStorageOptions>().Bind(configuration.GetSection(QueueStorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueStorageOptions>, QueueStorageOptionsValidator>();
        services.AddSingleton<JobStorage>(static sp =>
        {
            // Hangfire's global configuration (log provider, serializer) must be in place before storage starts.
            sp.GetRequiredService<IGlobalConfiguration>();
            QueueStorageOptions options;
            try
            {
                options = sp.GetRequiredService<IOptions<QueueStorageOptions>>().Value;
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

    public static JobStorage Create(QueueStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Storage != QueueStorageKind.PostgreSql)
        {
            return new InMemoryStorage(new InMemoryStorageOptions());
        }

        var storageOptions = PostgreSqlOptions(options);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(options.ConnectionString!, storageOptions), storageOptions);
    }

    internal static PostgreSqlStorageOptions PostgreSqlOptions(QueueStorageOptions options) => new()
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
