using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Slack;

/// <summary>Slack as a place features post in on their own (alerts, audits): the Web API, Block Kit.</summary>
internal sealed class SlackPlaceChannel(SlackApiClient slack, CardRenderer cards) : IPlaceChannel
{
    /// <summary>Slack's answers that no retry can change: the bot is not in the channel, or the channel is gone.</summary>
    private static readonly HashSet<string> Gone = new(StringComparer.Ordinal) { "not_in_channel", "channel_not_found", "is_archived", "account_inactive" };

    public string Name => "slack";

    public ChatChannel Channel => ChatChannel.Slack;

    public bool Serves(PlaceAddress address) => address is SlackPlace;

    public JsonObject Render(PlaceAddress address, Reply reply, bool maskPhoneNumbers) => cards.Slack(reply, maskPhoneNumbers);

    public JsonObject Text(string text) => new() { ["text"] = text };

    public Task<string?> PostAsync(PlaceAddress address, string? root, JsonObject message, string? deliveryId, CancellationToken ct) =>
        slack.PostMessageAsync(Of(address).ChannelId, root, message, ct, deliveryId);

    public Task UpdateAsync(PlaceAddress address, string id, JsonObject message, CancellationToken ct) =>
        slack.UpdateAsync(Of(address).ChannelId, id, message, ct);

    public Task<bool?> FindPostedAsync(PlaceAddress address, string? root, string deliveryId, CancellationToken ct) =>
        slack.FindPostedAsync(Of(address).ChannelId, root, deliveryId, ct);

    public string? GoneBecause(Exception failure) => failure is SlackApiException { Error: var error } && Gone.Contains(error) ? error : null;

    public async Task<(string Place, PlaceAddress Address)> ConfiguredAsync(string conversationId, CancellationToken ct) =>
        (SlackWorkHandler.Place(await slack.TeamIdAsync(ct), conversationId), new SlackPlace(conversationId));

    private static SlackPlace Of(PlaceAddress address) => address as SlackPlace ?? throw new InvalidOperationException($"Not a Slack place: {address.GetType().Name}.");
}
