using ChatTroubleshooter.Caching;
using System.ComponentModel.DataAnnotations;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ChatTroubleshooter.Http;
using ChatTroubleshooter.Storage.Memory;
using ChatTroubleshooter.Storage.Redis;
using ChatTroubleshooter.Storage.Sqlite;

namespace ChatTroubleshooter.Storage;

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

    /// <summary>
    /// Who this instance is as a holder of outbox leases; by default <c>machine:pid:start</c>, which also lets SQLite take
    /// back at once what a dead process of the same machine held. Set it only where those are not unique (tests running
    /// several instances in one process).
    /// </summary>
    public string? InstanceId { get; set; }

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

public static class StorageExtensions
{
    /// <summary>
    /// Registers the store chosen by <c>State:Provider</c> behind each concern's interface (conversations, dedupe,
    /// preferences, feedback and diagnoses, the outbox), its readiness check, and the outbox worker.
    /// </summary>
    public static IHostApplicationBuilder AddState(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StateOptions>().BindConfiguration(StateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMemoryCacheOnTimeProvider();
        // Chosen when first needed (options are bound by then, including a test host's settings).
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StateOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var retention = sp.GetRequiredService<IOptions<ConversationOptions>>().Value.IdleTimeout + TimeSpan.FromHours(1);
            var json = sp.GetRequiredService<StoredJson>();
            return options.Provider switch
            {
                StateProvider.Sqlite => SqliteStore.Open(json, options.SqlitePath, time, retention, options.SqliteSynchronous, options.InstanceId),
                StateProvider.Redis => Redis(sp, json, options, time, retention),
                _ => MemoryStore.Open(time, sp.GetRequiredService<IMemoryCache>()),
            };
        });
        Expose(builder.Services, s => s.Conversations);
        Expose(builder.Services, s => s.Preferences);
        Expose(builder.Services, s => s.Feedback);
        Expose(builder.Services, s => s.Diagnoses);
        Expose(builder.Services, s => s.DeletedNumbers);
        Expose(builder.Services, s => s.AlertBursts);
        Expose(builder.Services, s => s.AlertMutes);
        Expose(builder.Services, s => s.AlertSubscriptions);
        Expose(builder.Services, s => s.Audits);
        Expose(builder.Services, s => s.Outbox);
        Expose<IWorkQueue>(builder.Services, s => s.Outbox);
        builder.Services.AddSingleton<RefusedRequestLog>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("state");
        builder.Services.AddOutbox();
        return builder;
    }

    private static StateStore Redis(IServiceProvider sp, StoredJson json, StateOptions options, TimeProvider time, TimeSpan retention)
    {
        var redis = ConnectionMultiplexer.Connect(options.Redis!);
        RedisStore.WarnIfNotDurable(options.Redis!, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisStore)));
        return RedisStore.Open(json, redis, time, retention, options.RedisPrefix, options.InstanceId);
    }

    /// <summary>One concern of the store chosen (the one store is disposed with the container: its file, its writer).</summary>
    private static void Expose<TConcern>(IServiceCollection services, Func<StateStore, TConcern> concern)
        where TConcern : class =>
        services.AddSingleton(sp => concern(sp.GetRequiredService<StateStore>()));
}

/// <summary>
/// Ready when the store's writes succeed and it answers a read within the ack budget. Writes are known from the last
/// ack or claim, and from a write of its own (at most one a second): a claim that finds nothing writes nothing, so on a
/// full disk the last ack's failure alone made readiness flap.
/// </summary>
internal sealed class StorageHealthCheck(IWorkOutbox outbox, StoreHealth health, IOptions<OutboxOptions> options, TimeProvider time)
    : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);

    /// <summary>The last probe: when, and its error (null when it wrote).</summary>
    private volatile Probe? _probe;

    private sealed record Probe(DateTimeOffset At, string? Error);

    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (health.Failure is { } failure)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(
                $"store writes failing since {failure.Since:u}: {failure.Error}");
        }

        if (await ProbeAsync(cancellationToken) is { } error)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"store writes failing: {error}");
        }

        int pending;
        try
        {
            pending = await outbox.CountPendingAsync(cancellationToken).WaitAsync(options.Value.AckBudget, time, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"store read failing: {e.GetType().Name}");
        }

        return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"{pending} item(s) in the outbox",
            new Dictionary<string, object> { ["outboxPending"] = pending });
    }

    /// <summary>The write probe's error, or null; run again once the last one is a second old.</summary>
    private async Task<string?> ProbeAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_probe is { } last && now - last.At < ProbeEvery)
        {
            return last.Error;
        }

        string? error = null;
        try
        {
            await outbox.ProbeWriteAsync(ct).WaitAsync(options.Value.AckBudget, time, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = e.GetType().Name;
        }

        _probe = new Probe(now, error);
        return error;
    }
}
