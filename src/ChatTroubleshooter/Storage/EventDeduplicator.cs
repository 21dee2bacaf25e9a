namespace ChatTroubleshooter.Storage;

/// <summary>Remembers delivery ids (Slack event_id, Teams activity id) so a retried delivery is handled once.</summary>
public interface IEventDeduplicator
{
    /// <summary>True the first time <paramref name="key"/> is seen within <paramref name="ttl"/>; false for a repeat.</summary>
    Task<bool> TryFirstAsync(string key, TimeSpan ttl, CancellationToken ct);
}
