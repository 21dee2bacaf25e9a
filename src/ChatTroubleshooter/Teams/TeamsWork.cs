using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Teams;

/// <summary>Work accepted from Teams, done by <see cref="TeamsWorkHandler"/>.</summary>
public abstract record TeamsWork : Work;

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

/// <summary>
/// A Teams conversation reference, as the Bot Connector needs it for a proactive message: the service URL and the
/// conversation (for a channel, the channel's own id, without a thread's <c>;messageid=</c>), in its tenant (stored as
/// <c>"kind": "teams"</c>).
/// </summary>
public sealed record TeamsPlace(string ServiceUrl, string ConversationId, string? TenantId, bool IsChannel) : PlaceAddress;

/// <summary>What Teams stores: its kinds of work and delivery, its place.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsMessageWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsSubmitWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsWelcomeWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsRecheckWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsSendWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsTypingDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsReplyDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsUpdateDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsPlace))]
internal sealed partial class TeamsStoredJson : System.Text.Json.Serialization.JsonSerializerContext;

public static class TeamsStoredTypes
{
    /// <summary>Teams' stored kinds, under their discriminators (part of the stored JSON: never renamed).</summary>
    public static IServiceCollection AddTeamsStoredTypes(this IServiceCollection services) => services
        .AddStoredType<Work, TeamsMessageWork>("teams.message", TeamsStoredJson.Default)
        .AddStoredType<Work, TeamsSubmitWork>("teams.submit", TeamsStoredJson.Default)
        .AddStoredType<Work, TeamsWelcomeWork>("teams.welcome", TeamsStoredJson.Default)
        .AddStoredType<Work, TeamsRecheckWork>("teams.recheck", TeamsStoredJson.Default)
        .AddStoredType<Work, TeamsSendWork>("teams.send", TeamsStoredJson.Default)
        .AddStoredType<Delivery, TeamsTypingDelivery>("teams.typing", TeamsStoredJson.Default)
        .AddStoredType<Delivery, TeamsReplyDelivery>("teams.reply", TeamsStoredJson.Default)
        .AddStoredType<Delivery, TeamsUpdateDelivery>("teams.update", TeamsStoredJson.Default)
        .AddStoredType<PlaceAddress, TeamsPlace>("teams", TeamsStoredJson.Default);
}
