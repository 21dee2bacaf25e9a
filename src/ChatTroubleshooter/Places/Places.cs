using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Places;

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

/// <summary>
/// How to reach a place later without being asked (an alert, an audit's message): what a channel knows about the place a
/// turn came from. Each channel registers its own kind (Slack: <c>slack</c>, Teams: <c>teams</c>); stored as JSON in
/// subscriptions and in the outbox, so renaming a discriminator leaves them unreadable.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
public abstract record PlaceAddress;

/// <summary>
/// A channel that posts in places on its own: Slack (Web API), Teams (Bot Connector). Features post through
/// <see cref="PlacePoster"/> and name no channel.
/// </summary>
public interface IPlaceChannel
{
    /// <summary>The channel's name in settings (<c>slack</c>, <c>teams</c>).</summary>
    string Name { get; }

    ChatChannel Channel { get; }

    bool Serves(PlaceAddress address);

    /// <summary>A reply as a message for this channel (Block Kit, a Teams activity holding the card).</summary>
    JsonObject Render(PlaceAddress address, Reply reply, bool maskPhoneNumbers);

    /// <summary>A plain-text message for this channel.</summary>
    JsonObject Text(string text);

    /// <summary>
    /// A new message (in the thread of <paramref name="root"/> when given); its id, null when the channel gave none. A
    /// channel that can marks it with <paramref name="deliveryId"/>, so <see cref="FindPostedAsync"/> can find it.
    /// </summary>
    Task<string?> PostAsync(PlaceAddress address, string? root, JsonObject message, string? deliveryId, CancellationToken ct);

    /// <summary>Replaces the message <paramref name="id"/> posted there.</summary>
    Task UpdateAsync(PlaceAddress address, string id, JsonObject message, CancellationToken ct);

    /// <summary>Whether the message of <paramref name="deliveryId"/> is there: null when the channel cannot tell.</summary>
    Task<bool?> FindPostedAsync(PlaceAddress address, string? root, string deliveryId, CancellationToken ct);

    /// <summary>Why the place is gone for the bot (removed, archived, the bot not in it), when a failure says so; null otherwise.</summary>
    string? GoneBecause(Exception failure);

    /// <summary>A conversation named in settings (e.g. <c>Alerts__SlackChannel</c>) as a place: its key and address.</summary>
    Task<(string Place, PlaceAddress Address)> ConfiguredAsync(string conversationId, CancellationToken ct);
}

/// <summary>Posts in places through the channel that serves each.</summary>
public sealed class PlacePoster(IEnumerable<IPlaceChannel> channels)
{
    private readonly IPlaceChannel[] _channels = [.. channels];

    public IPlaceChannel ChannelOf(PlaceAddress address) =>
        _channels.FirstOrDefault(c => c.Serves(address)) ?? throw new InvalidOperationException($"No channel serves {address.GetType().Name}.");

    /// <summary>The channel registered as <paramref name="name"/>, or null when it is not in this host.</summary>
    public IPlaceChannel? Named(string name) => _channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public JsonObject Render(PlaceAddress address, Reply reply, bool maskPhoneNumbers) => ChannelOf(address).Render(address, reply, maskPhoneNumbers);

    public JsonObject Text(PlaceAddress address, string text) => ChannelOf(address).Text(text);

    public Task<string?> PostAsync(PlaceAddress address, JsonObject message, CancellationToken ct, string? deliveryId = null) =>
        ChannelOf(address).PostAsync(address, null, message, deliveryId, ct);

    public Task<string?> PostInThreadAsync(PlaceAddress address, string root, JsonObject message, CancellationToken ct, string? deliveryId = null) =>
        ChannelOf(address).PostAsync(address, root, message, deliveryId, ct);

    public Task UpdateAsync(PlaceAddress address, string id, JsonObject message, CancellationToken ct) => ChannelOf(address).UpdateAsync(address, id, message, ct);

    public Task<bool?> FindPostedAsync(PlaceAddress address, string? root, string deliveryId, CancellationToken ct) =>
        ChannelOf(address).FindPostedAsync(address, root, deliveryId, ct);

    /// <summary>Why <paramref name="failure"/> is one no retry can change (the place is gone for the bot), or null.</summary>
    public string? GoneBecause(PlaceAddress address, Exception failure) => ChannelOf(address).GoneBecause(failure);
}

public static class PlacesExtensions
{
    /// <summary>The poster features post through; each channel adds its <see cref="IPlaceChannel"/>.</summary>
    public static IServiceCollection AddPlaces(this IServiceCollection services)
    {
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<PlacePoster>(services);
        return services;
    }
}
