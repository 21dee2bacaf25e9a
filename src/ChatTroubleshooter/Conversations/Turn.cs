namespace ChatTroubleshooter.Conversations;

/// <summary>An answer to a question, as a button carries it: which conversation, which fact, which value.</summary>
public sealed record Answer(string ConversationId, string FactId, string Value);

/// <summary>
/// One message or click from a user, whatever the channel. <see cref="ConversationKey"/> identifies where the
/// conversation lives (a DM, a thread, a terminal); <see cref="Locale"/> is what the platform says about the user.
/// </summary>
public sealed record Turn(string ConversationKey, string UserId, string? Locale)
{
    public string? Text { get; init; }

    /// <summary>
    /// The id of the piece of work carrying this turn. A turn replayed with the same id (a retry after a crash)
    /// gets the result of its first run instead of being applied twice.
    /// </summary>
    public string? Id { get; init; }

    public Answer? Answer { get; init; }

    /// <summary>
    /// Look the conversation's call up again (sent by the channel after a <c>NotReadyReply</c>'s delay) and answer
    /// with whatever the data says then.
    /// </summary>
    public bool Recheck { get; init; }

    /// <summary>A language chosen by the user explicitly (the terminal's --lang), which beats detection.</summary>
    public string? ForcedLanguage { get; init; }
}
