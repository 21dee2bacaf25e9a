using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Teams;

/// <summary>Work accepted from Teams, done by <see cref="TeamsWorkHandler"/>.</summary>
public abstract record TeamsWork : Work
{
    [System.Text.Json.Serialization.JsonIgnore]
    public sealed override ChatChannel Channel => ChatChannel.Teams;
}

/// <summary>A Bot Framework conversation to send to, and who reads it there.</summary>
public sealed record TeamsConversation(string ServiceUrl, string ConversationId, Visibility Visibility)
{
    /// <summary>The Microsoft Entra tenant the conversation belongs to (<c>conversation.tenantId</c>), when Teams says.</summary>
    public string? TenantId { get; init; }

    /// <summary><c>conversation.conversationType</c>: "personal", "groupChat" or "channel".</summary>
    public string? Type { get; init; }

    /// <summary>A channel's own id: a thread's conversation id without its <c>;messageid=</c> (the root message).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string PlaceId => ConversationId.Split(ThreadMarker)[0];

    /// <summary>What Teams appends to a channel's id for one of its threads.</summary>
    public const string ThreadMarker = ";messageid=";
}

/// <summary>A message to the bot (a personal chat, or an @mention in a channel or group chat).</summary>
public sealed record TeamsMessageWork(TeamsConversation Conversation, string UserId, string? Locale, string Text, string? ReplyToId) : TeamsWork
{
    /// <summary>The user's display name (<c>from.name</c>), to say who did something in a channel.</summary>
    public string? UserName { get; init; }
}

/// <summary>An Action.Submit click (the fallback of the Action.Execute buttons) on the card <see cref="CardId"/>.</summary>
public sealed record TeamsSubmitWork(TeamsConversation Conversation, string UserId, string? Locale, ButtonValue Value, string? CardId, string? ReplyToId) : TeamsWork
{
    /// <summary>The user's display name (<c>from.name</c>): who muted an alert.</summary>
    public string? UserName { get; init; }
}

/// <summary>The bot was added to a conversation.</summary>
public sealed record TeamsWelcomeWork(TeamsConversation Conversation, string? Locale) : TeamsWork;

/// <summary>Look the conversation's call up again and answer in the same conversation.</summary>
public sealed record TeamsRecheckWork(TeamsConversation Conversation, string ConversationKey, string UserId, string? Locale, string? ReplyToId) : TeamsWork;

/// <summary>Deliveries already planned (by a card click answered within its invoke): the worker only sends them.</summary>
public sealed record TeamsSendWork : TeamsWork;

public sealed record TeamsTypingDelivery(TeamsConversation To) : Delivery
{
    public override bool Repeatable => true;
}

/// <summary>A new activity in the conversation (in reply to <see cref="ReplyToId"/> when set).</summary>
public sealed record TeamsReplyDelivery(TeamsConversation To, string? ReplyToId, JsonObject Activity) : Delivery;

/// <summary>An activity the bot sent, replaced (a clicked card).</summary>
public sealed record TeamsUpdateDelivery(TeamsConversation To, string ActivityId, JsonObject Activity) : Delivery
{
    public override bool Repeatable => true;
}
