namespace ChatTroubleshooter.Conversations;

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

/// <summary>Where conversations live between turns.</summary>
public interface IConversationStore
{
    Task<Conversation?> GetAsync(string key, CancellationToken ct);

    /// <summary>
    /// Saves <paramref name="conversation"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (0 for a new one); returns false when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct);
}
