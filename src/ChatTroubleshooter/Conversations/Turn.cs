using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Conversations;

/// <summary>Where a turn came from: decides nothing by itself, but is recorded with every diagnosis and feedback.</summary>
public enum ChatChannel
{
    Terminal,
    Slack,
    Teams,

    /// <summary>Aircall's webhooks: no user, the proactive alerts' work.</summary>
    Aircall,

    /// <summary>Bulk audits: paged through Aircall in the background, reported where they were asked.</summary>
    Audit,
}

/// <summary>Who reads the reply: only the user (a DM, an ephemeral message), or everyone in a channel or group chat.</summary>
public enum Visibility
{
    Private,
    Shared,
}

/// <summary>An answer to a question, as a button carries it: which conversation, which fact, which value.</summary>
public sealed record Answer(string ConversationId, string FactId, string Value);

/// <summary>The customer draft of a diagnosis, in <paramref name="Language"/> or the default customer language when null.</summary>
public sealed record DraftRequest(string DiagnosisId, string? Language);

/// <summary>"Expected" on an alert: mute that number's alerts.</summary>
public sealed record MuteRequest(string DiagnosisId, long NumberId, string NumberName);

/// <summary>A "solved" / "not solved" click on a diagnosis.</summary>
public sealed record FeedbackClick(string DiagnosisId, bool Helpful);

/// <summary>
/// One message or click from a user, whatever the channel. <see cref="ConversationKey"/> identifies where the
/// conversation lives (a DM, a thread, a terminal); <see cref="Locale"/> is what the platform says about the user.
/// </summary>
public sealed record Turn(ChatChannel Channel, string ConversationKey, string UserId, string? Locale)
{
    /// <summary>Who will read the reply; a shared reply never shows customer phone numbers.</summary>
    public Visibility Visibility { get; init; } = Visibility.Private;

    /// <summary>
    /// Where the turn happened, as far as access goes: a Slack team and channel (<c>slack:T…:C…</c>), a Teams tenant and
    /// conversation (<c>teams:{tenant}:{conversation}</c>, for a thread of a channel the channel); by default the
    /// conversation key. A click is honoured only
    /// where its diagnosis was given, or on a question whose conversation lives in this place.
    /// </summary>
    public string Place
    {
        get => _place ?? ConversationKey;
        init => _place = value;
    }

    private readonly string? _place;

    /// <summary>The key of the conversation in <paramref name="thread"/> of <paramref name="place"/> (a Slack thread under a message).</summary>
    public static string ThreadKey(string place, string thread) => $"{place}:thread:{thread}";

    /// <summary>
    /// Whether <paramref name="key"/> (a conversation's key from a button, or where a diagnosis was given) is this turn's
    /// place or a part of it: a thread (<c>…:thread:…</c>), a user's conversation in it (<c>…:U123</c>), a Teams channel's
    /// thread (<c>…;messageid=…</c>).
    /// </summary>
    public bool IsInPlace(string key) =>
        key.StartsWith(Place, StringComparison.Ordinal) && (key.Length == Place.Length || key[Place.Length] is ':' or ';');

    /// <summary>How to reach this place later without being asked (a proactive alert), when the channel can; null in the terminal.</summary>
    public Alerts.AlertTarget? Reachable { get; init; }

    public string? Text { get; init; }

    /// <summary>
    /// The id of the piece of work carrying this turn. A turn replayed with the same id (a retry after a crash)
    /// gets the result of its first run instead of being applied twice.
    /// </summary>
    public string? Id { get; init; }

    public Answer? Answer { get; init; }

    public FeedbackClick? Feedback { get; init; }

    /// <summary>A diagnosis id whose support-ticket summary to show on its own (Slack's "Copy summary").</summary>
    public string? SummaryOf { get; init; }

    /// <summary>The customer draft of a diagnosis ("Draft for the customer", a language button, or the terminal's <c>draft</c>).</summary>
    public DraftRequest? DraftOf { get; init; }

    /// <summary>A diagnosis to show again (Teams' "Back to the diagnosis" on a draft).</summary>
    public string? DiagnosisOf { get; init; }

    /// <summary>"Expected" on an alert.</summary>
    public MuteRequest? Mute { get; init; }

    /// <summary>The user's display name, when the platform gives it (to say who muted an alert).</summary>
    public string? UserName { get; init; }

    /// <summary>The thread under the clicked message (Slack: its thread, or the message itself), for a reply that goes there.</summary>
    public string? Thread { get; init; }

    /// <summary>Reply in <see cref="Thread"/> ("Investigate" on an alert: the conversation continues under it).</summary>
    public bool ReplyInThread { get; init; }

    /// <summary>The alert's diagnosis an "Investigate" click came from: honoured only where that alert was posted.</summary>
    public string? InvestigateOf { get; init; }

    /// <summary>Cancel on an audit's message: the audit to stop.</summary>
    public string? CancelAuditOf { get; init; }

    /// <summary>The "Start over" button: ends the open conversation.</summary>
    public bool Restart { get; init; }

    /// <summary>
    /// Look the conversation's call up again (sent by the channel after a <c>NotReadyReply</c>'s delay) and answer
    /// with whatever the data says then.
    /// </summary>
    public bool Recheck { get; init; }

    /// <summary>A language chosen by the user explicitly (the terminal's --lang), which beats detection.</summary>
    public string? ForcedLanguage { get; init; }
}

/// <summary>A question as it was asked, and the value the user picked: shown read-only in place of the question.</summary>
public sealed record AnsweredQuestion(QuestionReply Question, string Value);

/// <summary>
/// What the core decided for a turn; a channel renders and sends it, and decides nothing else.
/// </summary>
/// <param name="Reply">The reply to send.</param>
public sealed record TurnOutcome(Reply Reply)
{
    /// <summary>The question an accepted answer closed: the channel replaces it with its read-only version.</summary>
    public AnsweredQuestion? Answered { get; init; }

    /// <summary>The reply replaces the message that was clicked (a diagnosis shown again after feedback) instead of following it.</summary>
    public bool ReplacesClicked { get; init; }

    /// <summary>Only the user who asked may see the reply (a customer draft): never posted where others read.</summary>
    public bool PrivateToUser { get; init; }

    /// <summary>Send it in the thread under the clicked message (see <see cref="Turn.ReplyInThread"/>).</summary>
    public bool InThread { get; init; }

    /// <summary>Mask customer phone numbers when rendering: the reply is read in a channel.</summary>
    public bool MaskPhoneNumbers { get; init; }

    /// <summary>An audit the channel starts (as work of its own) after sending the reply.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Audit.AuditWork? StartAudit { get; init; }

    /// <summary>Send a re-check turn for this conversation after this delay (the call was not ready yet).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan? RecheckAfter => (Reply as NotReadyReply)?.RecheckAfter;
}
