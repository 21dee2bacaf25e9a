using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatTroubleshooter.Teams;

// The Bot Framework Activity, read once at the edge: only the fields the bot uses. Unknown fields are ignored and
// missing ones are null; a field of the wrong type makes the activity unreadable (a 400), never a crash later.

/// <summary>An Activity (Bot Framework Activity schema): message, invoke, conversationUpdate, installationUpdate.</summary>
internal sealed record Activity(
    string? Type,
    string? Id,
    string? Name,
    string? ServiceUrl,
    string? ChannelId,
    string? Text,
    string? Locale,
    string? ReplyToId,
    string? Action,
    ConversationAccount? Conversation,
    ChannelAccount? From,
    ChannelAccount? Recipient,
    IReadOnlyList<ChannelAccount?>? MembersAdded,
    IReadOnlyList<ActivityEntity?>? Entities,
    JsonElement? Value)
{
    /// <summary><c>locale</c>, else the clientInfo entity's locale.</summary>
    public string? UserLocale => Locale ?? Entities?.FirstOrDefault(e => e?.Type == "clientInfo")?.Locale;
}

internal sealed record ChannelAccount(string? Id, string? Name);

internal sealed record ConversationAccount(string? Id, string? ConversationType, string? TenantId);

/// <summary>An entity: a mention (<c>mentioned</c>, <c>text</c>) or clientInfo (<c>locale</c>).</summary>
internal sealed record ActivityEntity(string? Type, string? Text, ChannelAccount? Mentioned, string? Locale);

/// <summary>The value of a <c>composeExtension/queryLink</c> invoke: a link of the app's domains, pasted in the compose box.</summary>
internal sealed record QueryLinkValue(string? Url);

/// <summary>The value of a <c>composeExtension/submitAction</c> invoke: the command, and (on a message) the message.</summary>
internal sealed record SubmitActionValue(string? CommandId, string? CommandContext, MessagePayload? MessagePayload, JsonElement? Data);

/// <summary>The message a message action was used on.</summary>
internal sealed record MessagePayload(string? Id, MessageBody? Body);

internal sealed record MessageBody(string? ContentType, string? Content);

/// <summary>The value of an <c>adaptiveCard/action</c> invoke.</summary>
internal sealed record CardActionInvokeValue(CardAction? Action);

internal sealed record CardAction(string? Type, string? Verb, JsonElement? Data);

/// <summary>
/// The Connector's answer to a send (a ResourceResponse: <c>id</c>) or to a new conversation
/// (ConversationResourceResponse: <c>id</c>, the new conversation's, and <c>activityId</c>).
/// </summary>
public sealed record ConnectorResponse(string? Id, string? ActivityId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(CardActionInvokeValue))]
[JsonSerializable(typeof(QueryLinkValue))]
[JsonSerializable(typeof(SubmitActionValue))]
[JsonSerializable(typeof(ConnectorResponse))]
internal sealed partial class TeamsJson : JsonSerializerContext;
