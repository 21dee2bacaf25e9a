namespace ChatTroubleshooter.Storage;

/// <summary>Per-user preferences learned from a platform (e.g. a Slack user's locale), cached.</summary>
public interface IUserPreferenceStore
{
    Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct);

    Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct);
}

/// <summary>A feedback click on a diagnosis (stored once per user and diagnosis).</summary>
public sealed record FeedbackRecord(string DiagnosisId, string User, IReadOnlyList<string> CauseIds, bool Helpful, string Channel, string Language, DateTimeOffset At);

public interface IFeedbackStore
{
    /// <summary>Stores the feedback; false when this user already gave feedback on this diagnosis.</summary>
    Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct);

    Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>
/// A diagnosis the bot gave: for feedback (re-showing it with a thank-you or the escalation summary) and stats.
/// <see cref="ReplyJson"/> is the <c>DiagnosisReply</c> as JSON.
/// </summary>
public sealed record DiagnosisRecord(
    string DiagnosisId,
    string Channel,
    string Language,
    string Kind,
    IReadOnlyList<string> CauseIds,
    int Questions,
    string? Input,
    DateTimeOffset At,
    string ReplyJson)
{
    /// <summary>The country of the call's number, when the call was looked up (ISO 3166 alpha-2).</summary>
    public string? Country { get; init; }

    /// <summary>Where it was given (<see cref="Conversations.Turn.Place"/>): its buttons act only there.</summary>
    public string? Place { get; init; }
}

public interface IDiagnosisLog
{
    Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct);

    Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct);

    Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>Numbers Aircall said it deleted (webhook <c>number.deleted</c>): evidence for <c>number-deleted</c> without the API's 404.</summary>
public interface IDeletedNumbers
{
    Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct);

    Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct);
}

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
    Task SubscribeAsync(Alerts.AlertSubscription subscription, CancellationToken ct);

    /// <summary>Removes the place's subscription; false when there was none.</summary>
    Task<bool> UnsubscribeAsync(string place, CancellationToken ct);

    Task<IReadOnlyList<Alerts.AlertSubscription>> SubscriptionsAsync(CancellationToken ct);
}

/// <summary>Numbers whose alerts someone muted ("Expected" on an alert): until when, and who.</summary>
public interface IAlertMutes
{
    Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct);

    /// <summary>Who muted the number, while the mute lasts; null when its alerts are on.</summary>
    Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Bulk audits: where each was asked (its Cancel button acts only there), whether it was cancelled, its progress
/// message, the one audit running at a time (others queue), and the report files served at signed links.
/// </summary>
public interface IAuditStore
{
    Task RegisterAsync(string auditId, string place, CancellationToken ct);

    /// <summary>Cancels the audit when asked from where it was asked; false otherwise (or when there is no such audit).</summary>
    Task<bool> CancelAsync(string auditId, string place, CancellationToken ct);

    Task<bool> IsCancelledAsync(string auditId, CancellationToken ct);

    /// <summary>Takes (or keeps) the one running audit's slot until <paramref name="until"/>; false while another audit holds it.</summary>
    Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    /// <summary>Frees the slot (when this audit holds it).</summary>
    Task EndRunAsync(string auditId, CancellationToken ct);

    Task SetMessageAsync(string auditId, string messageId, CancellationToken ct);

    Task<string?> MessageAsync(string auditId, CancellationToken ct);

    /// <summary>A page's rows (JSON), under a key unique to that page: writing the same page again replaces them.</summary>
    Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct);

    /// <summary>Every page's rows, in the order of their keys.</summary>
    Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct);

    Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct);

    /// <summary>The file, until it expires.</summary>
    Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// What a storage provider (Sqlite, Redis, Memory) implements: every concern, so one instance can back them all. Only
/// the registration sees this; callers ask for the one concern they need.
/// </summary>
internal interface IStateProvider : IConversationStore, IUserPreferenceStore, IFeedbackStore, IDiagnosisLog, IDeletedNumbers, IAlertBursts, IAlertMutes, IAlertSubscriptions, IAuditStore, Outbox.IWorkOutbox;
