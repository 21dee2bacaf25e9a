using System.Text.Json.Nodes;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Teams;

namespace ChatTroubleshooter.Alerts;

/// <summary>
/// Posts in a place the bot writes to on its own (an alert, an audit's message): a new message, its replacement, or a
/// message in its thread, in Slack (Web API) or Teams (Bot Connector: in a channel, a post of its own; in a chat, a
/// message), rendered for the place's channel.
/// </summary>
internal sealed class PlacePoster(SlackApiClient slack, ConnectorClient connector, Cards.CardRenderer cards)
{
    /// <summary>A reply as a message for the place's channel: Block Kit, or a Teams activity holding the card.</summary>
    public JsonObject Render(AlertTarget target, Diagnostics.Replies.Reply reply, bool maskPhoneNumbers) => target is TeamsAlertTarget
        ? TeamsWorkHandler.Activity(cards.Teams(reply, maskPhoneNumbers), Cards.CardRenderer.Summary(reply, maskPhoneNumbers))
        : cards.Slack(reply, maskPhoneNumbers);

    /// <summary>
    /// A new message; its id (Slack ts, Teams activity id), null when the channel gave none. A Slack message carries
    /// <paramref name="deliveryId"/> in its metadata, so <see cref="FindPostedAsync"/> can find it.
    /// </summary>
    public Task<string?> PostAsync(AlertTarget target, JsonObject message, CancellationToken ct, string? deliveryId = null) => target switch
    {
        SlackAlertTarget s => slack.PostMessageAsync(s.ChannelId, null, message, ct, deliveryId),
        TeamsAlertTarget { IsChannel: true } t => connector.PostInChannelAsync(t.ServiceUrl, t.ConversationId, t.TenantId, message, ct),
        TeamsAlertTarget t => connector.ReplyAsync(t.ServiceUrl, t.ConversationId, null, message, ct),
        _ => throw Unknown(target),
    };

    /// <summary>Replaces the message <paramref name="id"/> posted there.</summary>
    public Task UpdateAsync(AlertTarget target, string id, JsonObject message, CancellationToken ct) => target switch
    {
        SlackAlertTarget s => slack.UpdateAsync(s.ChannelId, id, message, ct),
        TeamsAlertTarget t => connector.UpdateAsync(t.ServiceUrl, Thread(t, id), id, WithId(message, id), ct),
        _ => throw Unknown(target),
    };

    /// <summary>A message in the thread of <paramref name="root"/> (in a Teams chat, which has none: a reply to it).</summary>
    public Task<string?> PostInThreadAsync(AlertTarget target, string root, JsonObject message, CancellationToken ct, string? deliveryId = null) => target switch
    {
        SlackAlertTarget s => slack.PostMessageAsync(s.ChannelId, root, message, ct, deliveryId),
        TeamsAlertTarget t => connector.ReplyAsync(t.ServiceUrl, Thread(t, root), t.IsChannel ? null : root, message, ct),
        _ => throw Unknown(target),
    };

    /// <summary>
    /// Whether the message of <paramref name="deliveryId"/> is in the place (in the thread of <paramref name="root"/>):
    /// Slack can tell; the Bot Connector cannot list a conversation's messages, so null there.
    /// </summary>
    public Task<bool?> FindPostedAsync(AlertTarget target, string? root, string deliveryId, CancellationToken ct) => target switch
    {
        SlackAlertTarget s => slack.FindPostedAsync(s.ChannelId, root, deliveryId, ct),
        _ => Task.FromResult<bool?>(null),
    };

    /// <summary>A plain-text message for the place's channel.</summary>
    public static JsonObject Text(AlertTarget target, string text) =>
        target is TeamsAlertTarget ? new JsonObject { ["type"] = "message", ["text"] = text } : new JsonObject { ["text"] = text };

    /// <summary>The conversation of a Teams post's thread: in a channel, the channel's id with the root message.</summary>
    private static string Thread(TeamsAlertTarget target, string root) =>
        target.IsChannel ? target.ConversationId + TeamsConversation.ThreadMarker + root : target.ConversationId;

    /// <summary>A Teams replacement names the activity it replaces.</summary>
    private static JsonObject WithId(JsonObject activity, string id)
    {
        var copy = activity.DeepClone().AsObject();
        copy["id"] = id;
        return copy;
    }

    private static InvalidOperationException Unknown(AlertTarget target) => new($"Unknown place: {target.GetType().Name}.");
}
