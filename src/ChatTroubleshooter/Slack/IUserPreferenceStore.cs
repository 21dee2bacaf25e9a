namespace ChatTroubleshooter.Slack;

/// <summary>Per-user preferences learned from a platform (e.g. a Slack user's locale), cached.</summary>
public interface IUserPreferenceStore
{
    Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct);

    Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct);
}
