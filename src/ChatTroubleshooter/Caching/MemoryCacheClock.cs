using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.Caching;

/// <summary>The app's memory cache (Aircall answers, in-process dedupe) on the injected <see cref="TimeProvider"/>, so expiry follows a fake clock in tests.</summary>
internal static class MemoryCacheClock
{
    public static IServiceCollection AddMemoryCacheOnTimeProvider(this IServiceCollection services)
    {
        // Asked for by each concern that caches (Aircall, the memory store): adding it twice sets the same clock twice.
        services.AddMemoryCache();
        services.AddOptions<MemoryCacheOptions>().Configure<TimeProvider>((o, time) => o.Clock = new Clock(time));
        return services;
    }

    /// <summary>A memory cache of its own on <paramref name="time"/> (tests).</summary>
    public static MemoryCache Create(TimeProvider time) => new(new MemoryCacheOptions { Clock = new Clock(time) });

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes an ISystemClock; there is no TimeProvider option.
    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
#pragma warning restore CS0618
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
