using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// Teams as a place features post in on their own (alerts, audits), through the Bot Connector: in a channel, a post of its
/// own (its thread: replies to it); in a chat, a message (no threads there: a reply to it).
/// </summary>
internal sealed class TeamsPlaceChannel(ConnectorClient connector, CardRenderer cards) : IPlaceChannel
{
    public string Name => "teams";

    public ChatChannel Channel => ChatChannel.Teams;

    public bool Serves(PlaceAddress address) => address is TeamsPlace;

    public JsonObject Render(PlaceAddress address, Reply reply, bool maskPhoneNumbers) =>
        TeamsWorkHandler.Activity(cards.Teams(reply, maskPhoneNumbers), CardRenderer.Summary(reply, maskPhoneNumbers), metadata: DiagnosisMetadata.Of(reply));

    public JsonObject Text(string text) => new() { ["type"] = "message", ["text"] = text };

    public Task<string?> PostAsync(PlaceAddress address, string? root, JsonObject message, string? deliveryId, CancellationToken ct) => (Of(address), root) switch
    {
        ({ IsChannel: true } t, null) => connector.PostInChannelAsync(t.ServiceUrl, t.ConversationId, t.TenantId, message, ct),
        (var t, null) => connector.ReplyAsync(t.ServiceUrl, t.ConversationId, null, message, ct),
        (var t, { } thread) => connector.ReplyAsync(t.ServiceUrl, Thread(t, thread), t.IsChannel ? null : thread, message, ct),
    };

    public Task UpdateAsync(PlaceAddress address, string id, JsonObject message, CancellationToken ct)
    {
        var place = Of(address);
        // A Teams replacement names the activity it replaces.
        var copy = message.DeepClone().AsObject();
        copy["id"] = id;
        return connector.UpdateAsync(place.ServiceUrl, Thread(place, id), id, copy, ct);
    }

    /// <summary>The Bot Connector cannot list a conversation's messages: a message that may have gone out cannot be looked for.</summary>
    public Task<bool?> FindPostedAsync(PlaceAddress address, string? root, string deliveryId, CancellationToken ct) => Task.FromResult<bool?>(null);

    public string? GoneBecause(Exception failure) =>
        failure is HttpRequestException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.NotFound } ? failure.Message : null;

    public Task<(string Place, PlaceAddress Address)> ConfiguredAsync(string conversationId, CancellationToken ct) =>
        throw new NotSupportedException("Teams places are reached only where the bot was asked (alerts here): a conversation id alone has no service URL.");

    /// <summary>The conversation of a post's thread: in a channel, the channel's id with the root message.</summary>
    private static string Thread(TeamsPlace place, string root) => place.IsChannel ? place.ConversationId + TeamsConversation.ThreadMarker + root : place.ConversationId;

    private static TeamsPlace Of(PlaceAddress address) => address as TeamsPlace ?? throw new InvalidOperationException($"Not a Teams place: {address.GetType().Name}.");
}
