using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// What a turn asks: read once where the message or click is read (the channel's reader, <c>ButtonValue.ApplyTo</c>).
/// The conversation core handles the conversation's intents, the closed set below; a feature declares its own (an
/// alert's "Expected", an audit's Cancel) and registers their handler (<see cref="IIntentHandler"/>).
/// </summary>
public abstract record Intent;

/// <summary>A message (a call id, a link, a description, a command), as typed; a slash command's text without the command word.</summary>
public sealed record Said(string Text) : Intent;

/// <summary>An answer to a question, as a button carries it: which conversation, which fact, which value.</summary>
public sealed record Answer(string ConversationId, string FactId, string Value) : Intent;

/// <summary>The "Start over" button: ends the open conversation.</summary>
public sealed record Restart : Intent;

/// <summary>
/// Look the conversation's call up again (sent by the channel after a <c>NotReadyReply</c>'s delay) and answer with
/// whatever the data says then.
/// </summary>
public sealed record Recheck : Intent;

/// <summary>A "solved" / "not solved" click on a diagnosis.</summary>
public sealed record FeedbackClick(string DiagnosisId, bool Helpful) : Intent;

/// <summary>A diagnosis's support-ticket summary on its own (Slack's "Copy summary").</summary>
public sealed record SummaryRequest(string DiagnosisId) : Intent;

/// <summary>The customer draft of a diagnosis, in <paramref name="Language"/> or the default customer language when null.</summary>
public sealed record DraftRequest(string DiagnosisId, string? Language) : Intent;

/// <summary>A diagnosis shown again (Teams' "Back to the diagnosis" on a draft).</summary>
public sealed record ShowDiagnosis(string DiagnosisId) : Intent;

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

    /// <summary>How to reach this place later without being asked (an alert, an audit's message), when the channel can; null in the terminal.</summary>
    public PlaceAddress? Reachable { get; init; }

    /// <summary>What the turn asks; by default a message (see <see cref="Text"/>).</summary>
    public Intent Intent { get; init; } = new Said("");

    /// <summary>The text of a message, null for a click; setting it makes the turn that message.</summary>
    public string? Text
    {
        get => (Intent as Said)?.Text;
        init => Intent = new Said(value ?? "");
    }

    /// <summary>
    /// The id of the piece of work carrying this turn. A turn replayed with the same id (a retry after a crash)
    /// gets the result of its first run instead of being applied twice.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>The user's display name, when the platform gives it (to say who muted an alert).</summary>
    public string? UserName { get; init; }

    /// <summary>The thread under the clicked message (Slack: its thread, or the message itself), for a reply that goes there.</summary>
    public string? Thread { get; init; }

    /// <summary>Reply in <see cref="Thread"/> ("Investigate" on an alert: the conversation continues under it).</summary>
    public bool ReplyInThread { get; init; }

    /// <summary>
    /// Whether the channel can show a reply to this user alone from here even where others read (a Slack click's
    /// response_url, a Teams invoke); a Teams Action.Submit in a channel cannot.
    /// </summary>
    public bool PrivateReplyPossible { get; init; } = true;

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

    /// <summary>Nothing is sent: the reply is for the user alone, and the channel could only show it to everyone there.</summary>
    public bool Withheld { get; init; }

    /// <summary>Mask customer phone numbers when rendering: the reply is read in a channel.</summary>
    public bool MaskPhoneNumbers { get; init; }

    /// <summary>Work the channel enqueues after sending the reply (an audit started by a command), with an id of its own.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Work? Then { get; init; }

    /// <summary>Send a re-check turn for this conversation after this delay (the call was not ready yet).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan? RecheckAfter => (Reply as NotReadyReply)?.RecheckAfter;
}
