using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatTroubleshooter.Slack;

// What Slack sends, read once at the edge. Only the fields the bot uses; unknown fields are ignored and missing
// ones are null. A field of the wrong type makes the whole payload unreadable (a 400), never a crash later.

/// <summary>A slash command (form fields, https://api.slack.com/interactivity/slash-commands#app_command_handling).</summary>
internal sealed record SlashCommand(string? TeamId, string ChannelId, string UserId, string Command, string Text, string? ResponseUrl)
{
    /// <summary>The command in a form body; null when a required field is missing or an id is not a Slack id.</summary>
    public static SlashCommand? From(FormBody form) =>
        From(form["command"], form["user_id"], form["channel_id"], form["team_id"], form["text"], form["response_url"]);

    /// <summary>The command of a Socket Mode <c>slash_commands</c> envelope (the form's fields, as a JSON object).</summary>
    public static SlashCommand? From(SlashCommandPayload? payload) =>
        payload is null ? null : From(payload.Command, payload.UserId, payload.ChannelId, payload.TeamId, payload.Text, payload.ResponseUrl);

    private static SlashCommand? From(string? command, string? user, string? channel, string? team, string? text, string? responseUrl) =>
        command is not null && user is not null && channel is not null && SlackIds.AreIds(user, channel) && SlackIds.IsOptionalId(team)
            ? new SlashCommand(team, channel, user, command, text ?? "", responseUrl)
            : null;
}

/// <summary>
/// The shapes of Slack's ids and timestamps. They end up in conversation keys and button values (at most 2,000
/// characters), so anything else is refused at the edge.
/// </summary>
internal static class SlackIds
{
    /// <summary>
    /// A user, channel, team or enterprise id: T0123ABCD, C0123ABCD, U0123ABCD, W…, D…, G…, E… (Slack's own SDK
    /// fixtures also use T_INSTALLED: '_' and '-' are let through).
    /// </summary>
    public static bool IsId(string? value) => value is { Length: > 0 and <= 32 } && value.AsSpan().IndexOfAnyExcept(IdChars) < 0;

    public static bool AreIds(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!IsId(value))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsOptionalId(string? value) => value is null || IsId(value);

    /// <summary>A message timestamp (1606455407.603639), or none.</summary>
    public static bool IsOptionalTs(string? value) => value is null || (value.Length is > 0 and <= 32 && value.AsSpan().IndexOfAnyExcept(TsChars) < 0);

    private static readonly System.Buffers.SearchValues<char> IdChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly System.Buffers.SearchValues<char> TsChars = System.Buffers.SearchValues.Create("0123456789.");
}

/// <summary>An Events API request: <c>url_verification</c> or an <c>event_callback</c> envelope.</summary>
internal sealed record SlackEnvelope(string? Type, string? Challenge, string? TeamId, string? EventId, SlackEvent? Event);

/// <summary>The inner event of an <c>event_callback</c> (app_mention, message.im, link_shared).</summary>
internal sealed record SlackEvent(
    string? Type,
    string? ChannelType,
    string? Subtype,
    string? BotId,
    JsonElement? Edited,
    string? User,
    string? Channel,
    string? Text,
    string? Ts,
    string? ThreadTs)
{
    /// <summary><c>link_shared</c>: the links of the bot's unfurl domains in the message (or the composer).</summary>
    public IReadOnlyList<SlackLink>? Links { get; init; }

    /// <summary><c>link_shared</c>: the message (with <see cref="Channel"/>) its unfurls attach to.</summary>
    public string? MessageTs { get; init; }

    /// <summary><c>link_shared</c>: the link's id (with <see cref="Source"/>), for chat.unfurl; absent in Enterprise organizations.</summary>
    public string? UnfurlId { get; init; }

    /// <summary><c>link_shared</c>: <c>composer</c> (still being written) or <c>conversations_history</c> (posted).</summary>
    public string? Source { get; init; }

    /// <summary><c>link_shared</c>: the sharer's Slack locale (en-US), for the unfurl's language.</summary>
    public string? UserLocale { get; init; }
}

/// <summary>A link of a <c>link_shared</c> event.</summary>
internal sealed record SlackLink(string? Domain, string? Url);

/// <summary>Just the types of a payload, read when the full payload is not readable: an ignored type still gets its 200.</summary>
internal sealed record SlackTypes(string? Type, SlackTypes? Event);

/// <summary>
/// An interaction payload (the <c>payload</c> form field): <c>block_actions</c>, a message shortcut
/// (<c>message_action</c>), a global <c>shortcut</c>, a modal's <c>view_submission</c>.
/// </summary>
internal sealed record SlackInteraction(
    string? Type,
    SlackId? Team,
    SlackUser? User,
    SlackId? Channel,
    SlackContainer? Container,
    SlackMessage? Message,
    string? ResponseUrl,
    IReadOnlyList<SlackAction>? Actions)
{
    /// <summary>Which shortcut (the manifest's <c>callback_id</c>).</summary>
    public string? CallbackId { get; init; }

    /// <summary>Opens a modal within 3 s of the shortcut.</summary>
    public string? TriggerId { get; init; }

    /// <summary>The submitted modal.</summary>
    public SlackView? View { get; init; }

    /// <summary>The conversations a modal's <c>conversations_select</c> (with <c>response_url_enabled</c>) lets the bot answer in.</summary>
    public IReadOnlyList<SlackResponseUrl>? ResponseUrls { get; init; }
}

/// <summary>A modal as submitted: its callback id, what the bot kept in it, and the inputs by block and action id.</summary>
internal sealed record SlackView(string? CallbackId, string? PrivateMetadata, SlackViewState? State);

internal sealed record SlackViewState(IReadOnlyDictionary<string, IReadOnlyDictionary<string, SlackInput>>? Values);

/// <summary>An input's value: a text input's <c>value</c>, a conversation select's <c>selected_conversation</c>.</summary>
internal sealed record SlackInput(string? Type, string? Value, string? SelectedConversation);

internal sealed record SlackResponseUrl(string? BlockId, string? ActionId, string? ChannelId, string? ResponseUrl);

internal sealed record SlackId(string? Id);

/// <summary>The user of an interaction: its id, and the name Slack shows (<c>name</c>; <c>username</c> in older payloads).</summary>
internal sealed record SlackUser(string? Id, string? Name, string? Username);

internal sealed record SlackContainer(string? ChannelId, string? MessageTs, bool? IsEphemeral);

/// <summary>A message an interaction is about (its text for a message shortcut).</summary>
internal sealed record SlackMessage(string? Ts, string? ThreadTs)
{
    public string? Text { get; init; }
}

internal sealed record SlackAction(string? ActionId, string? Value);

/// <summary>A slash command as a Socket Mode envelope carries it: the form's fields in a JSON object.</summary>
internal sealed record SlashCommandPayload(string? Command, string? UserId, string? ChannelId, string? TeamId, string? Text, string? ResponseUrl);

/// <summary>
/// A Socket Mode message: an envelope (<c>events_api</c>, <c>slash_commands</c>, <c>interactive</c>, with an
/// <c>envelope_id</c> to acknowledge), <c>hello</c>, or <c>disconnect</c> (with its <c>reason</c>).
/// </summary>
internal sealed record SocketEnvelope(string? Type, string? EnvelopeId, JsonElement? Payload, int? RetryAttempt, string? RetryReason, string? Reason);

/// <summary>The answer of <c>apps.connections.open</c>.</summary>
internal sealed record ConnectionsOpenResponse(bool Ok, string? Url, string? Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SlashCommandPayload))]
[JsonSerializable(typeof(SocketEnvelope))]
[JsonSerializable(typeof(ConnectionsOpenResponse))]
[JsonSerializable(typeof(SlackEnvelope))]
[JsonSerializable(typeof(SlackTypes))]
[JsonSerializable(typeof(SlackInteraction))]
internal sealed partial class SlackJson : JsonSerializerContext
{
    /// <summary>
    /// Reads a payload, or says why not in a short reason for the 400 (the JSON path of the bad field).
    /// <paramref name="ignoredType"/> is true when the payload is unreadable but its type is one the bot ignores anyway.
    /// </summary>
    public static T? Read<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<SlackTypes, bool> handled, out string? reason, out bool ignoredType)
        where T : class
    {
        reason = null;
        ignoredType = false;
        try
        {
            if (JsonSerializer.Deserialize(json, type) is { } payload)
            {
                return payload;
            }

            reason = "the body is null";
            return null;
        }
        catch (JsonException e)
        {
            reason = e.Path is { Length: > 1 } path ? $"unreadable at {path}" : "not JSON";
        }
        catch (InvalidOperationException)
        {
            // A string System.Text.Json cannot turn into UTF-16 (a lone surrogate escape, "\ud800"), as RequestBody says.
            reason = "a string is not valid Unicode";
        }

        try
        {
            ignoredType = JsonSerializer.Deserialize(json, Default.SlackTypes) is { } types && !handled(types);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        return null;
    }
}
