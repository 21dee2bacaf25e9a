using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatTroubleshooter.Conversations.State;

public enum StateProvider
{
    Sqlite,
    Redis,
    Memory,
}

public sealed class StateOptions : IValidatableObject
{
    public const string Section = "State";

    public StateProvider Provider { get; set; } = StateProvider.Sqlite;

    public string SqlitePath { get; set; } = "./data/chattroubleshooter.db";

    /// <summary>
    /// <c>Full</c>: a write returns once it is on disk (accepted work survives a power loss; one sync is shared by a
    /// batch of writes). <c>Normal</c>: once it is committed; faster, survives a crash of the bot but not of the machine.
    /// </summary>
    [RegularExpression("(?i)^(full|normal)$")]
    public string SqliteSynchronous { get; set; } = "Full";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key, so several bots (or test runs) can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "ct:";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StateProvider.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult("State:Redis (e.g. localhost:6379) is required when State:Provider is Redis.", [nameof(Redis)]);
        }

        if (Provider == StateProvider.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return new ValidationResult("State:SqlitePath is required when State:Provider is Sqlite.", [nameof(SqlitePath)]);
        }
    }
}

public static class StateExtensions
{
    /// <summary>Registers the state store chosen by <c>State:Provider</c> behind every state seam, and the outbox worker.</summary>
    public static IHostApplicationBuilder AddState(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StateOptions>().BindConfiguration(StateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StateOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var idle = sp.GetRequiredService<IOptions<ConversationOptions>>().Value.IdleTimeout;
            return options.Provider switch
            {
                StateProvider.Sqlite => new SqliteStateStore(options.SqlitePath, time, idle + TimeSpan.FromHours(1), options.SqliteSynchronous),
                StateProvider.Redis => new RedisStateStore(ConnectionMultiplexer.Connect(options.Redis!), time, idle + TimeSpan.FromHours(1), options.RedisPrefix),
                _ => new MemoryStateStore(time),
            };
        });
        builder.Services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IEventDeduplicator>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IUserPreferenceStore>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IFeedbackStore>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IDiagnosisLog>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IWorkOutbox>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton<IWorkQueue>(sp => sp.GetRequiredService<IStateStore>());
        builder.Services.AddSingleton(_ => new BackgroundScheduler(Environment.ProcessorCount));
        builder.Services.AddHostedService<WorkProcessor>();
        return builder;
    }
}
