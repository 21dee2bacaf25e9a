using System.Collections.Concurrent;

namespace ChatTroubleshooter.Conversations;

/// <summary>Remembers delivery ids (Slack event_id, Teams activity id) so a retried delivery is handled once.</summary>
public interface IEventDeduplicator
{
    /// <summary>True the first time <paramref name="key"/> is seen within <paramref name="ttl"/>; false for a repeat.</summary>
    Task<bool> TryFirstAsync(string key, TimeSpan ttl, CancellationToken ct);
}

internal sealed class InMemoryEventDeduplicator(TimeProvider time) : IEventDeduplicator
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public Task<bool> TryFirstAsync(string key, TimeSpan ttl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_seen.Count > 50_000)
        {
            foreach (var (k, expires) in _seen)
            {
                if (expires <= now) _seen.TryRemove(k, out _);
            }
        }

        while (true)
        {
            if (_seen.TryAdd(key, now + ttl))
            {
                return Task.FromResult(true);
            }

            if (_seen.TryGetValue(key, out var expires) && expires > now)
            {
                return Task.FromResult(false);
            }

            // Expired: take it over (only one caller can win the update).
            if (_seen.TryUpdate(key, now + ttl, expires))
            {
                return Task.FromResult(true);
            }
        }
    }
}
