namespace ChatTroubleshooter.Alerts;

/// <summary>One number's run of alerts: since when (the first alert of the hour) and how many.</summary>
public sealed record AlertBurst(DateTimeOffset Since, int Count);

/// <summary>
/// Alerts counted per number and hour, so a number that keeps failing gets one summary instead of a flood; each place
/// alerts go to has its own summary message of the run.
/// </summary>
public interface IAlertBursts
{
    /// <summary>Counts one more alert for <paramref name="numberId"/> (a new run when the last began over <paramref name="window"/> ago), atomically.</summary>
    Task<AlertBurst> AddAlertAsync(long numberId, DateTimeOffset now, TimeSpan window, CancellationToken ct);

    /// <summary>The summary message posted in <paramref name="place"/> for the run that began at <paramref name="since"/>.</summary>
    Task SetSummaryAsync(long numberId, DateTimeOffset since, string place, string messageId, CancellationToken ct);

    /// <summary>The summary message of that run in <paramref name="place"/>; null until it is posted.</summary>
    Task<string?> SummaryAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct);
}

/// <summary>Places an admin asked alerts to go to (<c>alerts here</c>), one subscription per place.</summary>
public interface IAlertSubscriptions
{
    /// <summary>Adds the subscription, or replaces the one of the same place.</summary>
    Task SubscribeAsync(AlertSubscription subscription, CancellationToken ct);

    /// <summary>Removes the place's subscription; false when there was none.</summary>
    Task<bool> UnsubscribeAsync(string place, CancellationToken ct);

    Task<IReadOnlyList<AlertSubscription>> SubscriptionsAsync(CancellationToken ct);
}

/// <summary>Numbers whose alerts someone muted ("Expected" on an alert): until when, and who.</summary>
public interface IAlertMutes
{
    Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct);

    /// <summary>Who muted the number, while the mute lasts; null when its alerts are on.</summary>
    Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct);
}
