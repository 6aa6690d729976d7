using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PypiForge.Protos.Queue;

/// <summary>Start-up checks of the queue storage settings; every message names its key. (The server checks its own
/// Queue:MaxWheelBytes where it registers the queue.)</summary>
public sealed partial class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"Queue:Storage is '{options.Storage}'; use InMemory or PostgreSql.");
        }

        if (options.Storage == QueueStorageKind.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Queue:ConnectionString is empty, but Queue:Storage is PostgreSql; give an Npgsql connection string, "
                + "e.g. \"Host=db;Database=pypiforge;Username=pypiforge;Password=...\" (environment: PYPIFORGE_QUEUE__CONNECTIONSTRING; agents: --hangfire).");
        }

        if (options.Storage == QueueStorageKind.PostgreSql && !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"Queue:ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.Schema) || !SchemaName().IsMatch(options.Schema))
        {
            failures.Add($"Queue:Schema is '{options.Schema}'; use lowercase letters, digits and '_' (starting with a letter or '_'), at most 63 characters.");
        }

        Check(failures, "Queue:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), "00:00:01");
        Check(failures, "Queue:InvisibilityTimeout", options.InvisibilityTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromDays(1), "00:01:00");
        Check(failures, "Queue:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "00:00:10");
        Check(failures, "Queue:AgentTimeout", options.AgentTimeout, TimeSpan.FromSeconds(3), TimeSpan.FromDays(1), "00:01:00");
        if (options.AgentTimeout < options.HeartbeatInterval * 2)
        {
            failures.Add($"Queue:AgentTimeout ({options.AgentTimeout}) must be at least twice Queue:HeartbeatInterval ({options.HeartbeatInterval}), or live agents would be taken for dead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} is {value}; use a value from {min} to {max} (e.g. {example}).");
        }
    }

    [GeneratedRegex(@"\A[a-z_][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
