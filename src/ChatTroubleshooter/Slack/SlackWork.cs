using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Slack;

/// <summary>Work accepted from Slack, done by <see cref="SlackWorkHandler"/>.</summary>
public abstract record SlackWork : Work;

/// <summary><c>/norecording …</c>: answered privately through the command's response_url.</summary>
public sealed record SlackCommandWork(string? TeamId, string ChannelId, string UserId, string Text, string? ResponseUrl) : SlackWork;

/// <summary>
/// An @mention in a channel (answered in its thread, for everyone), a direct message, or "Why no recording?" on a message
/// (as a mention of it).
/// </summary>
public sealed record SlackMessageWork(string? TeamId, string ChannelId, string UserId, string Text, string? Ts, string? ThreadTs, bool IsMention) : SlackWork
{
    /// <summary>Where to answer privately when the bot cannot post in the channel (a shortcut's response_url).</summary>
    public string? FallbackUrl { get; init; }
}

/// <summary>The global "Why no recording?" shortcut: open its modal for the user.</summary>
public sealed record SlackOpenModalWork(string? TeamId, string UserId, string TriggerId) : SlackWork;

/// <summary>A click on one of the bot's buttons, with where the clicked message is.</summary>
public sealed record SlackClickWork(
    string? TeamId, string ChannelId, string UserId, ButtonValue Value, string? MessageTs, string? ThreadTs, bool IsEphemeral, string? ResponseUrl) : SlackWork
{
    /// <summary>The clicker's name as the payload gives it (to say who muted an alert); null in items stored before it.</summary>
    public string? UserName { get; init; }
}

/// <summary>
/// Links to Aircall calls shared in a message or typed in the composer (<c>link_shared</c>): unfurled with each call's
/// recording status. <paramref name="MessageTs"/> with <paramref name="ChannelId"/>, or <paramref name="UnfurlId"/> with
/// <paramref name="Source"/>, say which message (Slack accepts either pair).
/// </summary>
public sealed record SlackUnfurlWork(
    string? TeamId, string ChannelId, string? MessageTs, string? UnfurlId, string? Source, string? Locale, IReadOnlyList<string> Urls) : SlackWork;

/// <summary>Look the conversation's call up again and answer where the first answer went.</summary>
public sealed record SlackRecheckWork(string ConversationKey, SlackTarget Target) : SlackWork
{
    /// <summary>The first turn's <see cref="Turn.Place"/> (null in items stored before places: the key stands in).</summary>
    public string? Place { get; init; }
}

/// <summary>
/// Where replies go: the response_url of a command or an ephemeral message (<see cref="ResponseUrl"/> set), else a
/// post in the channel (in <see cref="ThreadTs"/> when set).
/// </summary>
public sealed record SlackTarget(string? ResponseUrl, string ChannelId, string? ThreadTs, string UserId, Visibility Visibility)
{
    /// <summary>Where a post goes privately when the channel refuses the bot (it is not a member): a response_url.</summary>
    public string? FallbackUrl { get; init; }

    /// <summary>Replies through <paramref name="url"/>; a payload without one keeps "" so the reply is refused (and logged) when sent.</summary>
    public static SlackTarget Response(string? url, string channel, string user) => new(url ?? "", channel, null, user, Visibility.Private);

    public static SlackTarget Post(string channel, string? threadTs, string user, Visibility visibility) => new(null, channel, threadTs, user, visibility);

    public bool ViaResponseUrl => ResponseUrl is not null;
}

/// <summary>A message posted to a response_url (always ephemeral: only the user who asked sees it).</summary>
public sealed record SlackResponseDelivery(string Url, JsonObject Message, bool ReplaceOriginal) : Delivery
{
    public override bool Repeatable => ReplaceOriginal;
}

/// <summary>chat.postMessage.</summary>
public sealed record SlackPostDelivery(string ChannelId, string? ThreadTs, JsonObject Message) : Delivery
{
    /// <summary>A response_url the message goes to instead, for its user alone, when the channel refuses the bot.</summary>
    public string? FallbackUrl { get; init; }
}

/// <summary>views.open: a modal for the user who used the shortcut (its trigger lasts 3 s).</summary>
public sealed record SlackOpenViewDelivery(string TriggerId, JsonObject View) : Delivery;

/// <summary>chat.update of a message the bot posted (a clicked question or diagnosis).</summary>
public sealed record SlackUpdateDelivery(string ChannelId, string Ts, JsonObject Message) : Delivery
{
    public override bool Repeatable => true;
}

/// <summary><c>chat.unfurl</c>: each link's preview (Block Kit), by URL; unfurling again shows the same.</summary>
public sealed record SlackUnfurlDelivery(string ChannelId, string? MessageTs, string? UnfurlId, string? Source, JsonObject Unfurls) : Delivery
{
    /// <summary>The Work Object entities (<c>{"entities": […]}</c>) of <c>Slack__WorkObjectUnfurls</c>; null when off.</summary>
    public JsonObject? Metadata { get; init; }

    public override bool Repeatable => true;
}

/// <summary>A Slack channel (or DM) the bot posts to with <c>chat.postMessage</c> (stored as <c>"kind": "slack"</c>).</summary>
public sealed record SlackPlace(string ChannelId) : PlaceAddress;

/// <summary>What Slack stores: its kinds of work and delivery, its place.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackCommandWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackMessageWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackClickWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackRecheckWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackUnfurlWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackOpenModalWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackOpenViewDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackUnfurlDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackResponseDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackPostDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackUpdateDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackPlace))]
internal sealed partial class SlackStoredJson : System.Text.Json.Serialization.JsonSerializerContext;

public static class SlackStoredTypes
{
    /// <summary>Slack's stored kinds, under their discriminators (part of the stored JSON: never renamed).</summary>
    public static IServiceCollection AddSlackStoredTypes(this IServiceCollection services) => services
        .AddStoredType<Work, SlackCommandWork>("slack.command", SlackStoredJson.Default)
        .AddStoredType<Work, SlackMessageWork>("slack.message", SlackStoredJson.Default)
        .AddStoredType<Work, SlackClickWork>("slack.click", SlackStoredJson.Default)
        .AddStoredType<Work, SlackRecheckWork>("slack.recheck", SlackStoredJson.Default)
        .AddStoredType<Work, SlackUnfurlWork>("slack.unfurl", SlackStoredJson.Default)
        .AddStoredType<Work, SlackOpenModalWork>("slack.open-modal", SlackStoredJson.Default)
        .AddStoredType<Delivery, SlackOpenViewDelivery>("slack.open-view", SlackStoredJson.Default)
        .AddStoredType<Delivery, SlackUnfurlDelivery>("slack.unfurl", SlackStoredJson.Default)
        .AddStoredType<Delivery, SlackResponseDelivery>("slack.response", SlackStoredJson.Default)
        .AddStoredType<Delivery, SlackPostDelivery>("slack.post", SlackStoredJson.Default)
        .AddStoredType<Delivery, SlackUpdateDelivery>("slack.update", SlackStoredJson.Default)
        .AddStoredType<PlaceAddress, SlackPlace>("slack", SlackStoredJson.Default);
}
