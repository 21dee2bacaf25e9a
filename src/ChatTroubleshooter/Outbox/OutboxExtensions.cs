using ChatTroubleshooter.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatTroubleshooter.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// The outbox engine: the intake endpoints enqueue into, the workers that drain it, the one stored JSON. It knows only
    /// <see cref="Work"/> and <see cref="Delivery"/>: each feature registers its kinds and their <see cref="IWorkHandler"/>.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutboxStoredTypes();
        services.TryAddSingleton<StoreHealth>();
        services.TryAddSingleton<WorkIntake>();
        services.TryAddSingleton(_ => new BackgroundScheduler(Environment.ProcessorCount));
        services.AddHostedService<WorkProcessor>();
        return services;
    }

    /// <summary>The engine's own stored kind (a follow-up) and the one <see cref="StoredJson"/> every store writes with.</summary>
    public static IServiceCollection AddOutboxStoredTypes(this IServiceCollection services)
    {
        services.AddStoredType<Delivery, FollowUp>("follow-up", OutboxJson.Default);
        services.TryAddSingleton<StoredJson>();
        services.TryAddSingleton<WorkJson>();
        return services;
    }
}
