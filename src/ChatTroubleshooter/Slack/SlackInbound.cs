using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// What one Slack delivery asks of the bot, whichever way it came (an HTTP request to one of the three URLs, or a
/// Socket Mode envelope): work to accept, a challenge to answer, nothing, or a refusal with a short reason.
/// </summary>
internal abstract record SlackInbound
{
    /// <summary>Work to store before acknowledging; with <see cref="OnceKey"/>, only the first delivery of it.</summary>
    public sealed record Work(WorkItem Item, string? OnceKey) : SlackInbound;

    /// <summary>Events API's <c>url_verification</c>: its challenge, answered as is.</summary>
    public sealed record Challenge(string Value) : SlackInbound;

    /// <summary>Nothing for the bot (another event type, a bot's own message, a click on something not ours).</summary>
    public sealed record Nothing : SlackInbound
    {
        public static readonly Nothing Instance = new();
    }

    /// <summary>An answer Slack waits for in the acknowledgement itself (a modal's errors), and no work.</summary>
    public sealed record Answer(System.Text.Json.Nodes.JsonObject Body) : SlackInbound;

    /// <summary>Unreadable: the reason, for the 400 (or the log, over Socket Mode).</summary>
    public sealed record Refused(string Reason) : SlackInbound;

    /// <summary>Stores the work (once, when it has a key): what happened to it, or null when there was no work.</summary>
    public async Task<WorkIntake.Outcome?> AcceptAsync(WorkIntake intake, TimeSpan window, string source, CancellationToken ct) => this switch
    {
        Work { OnceKey: { } key } work => await intake.AcceptOnceAsync(work.Item, key, window, source, ct),
        Work work => await intake.AcceptAsync(work.Item, source, ct),
        _ => null,
    };
}

/// <summary>
/// Reads Slack's three payloads into typed work, once, at the edge: the slash command, the Events API envelope and the
/// interaction payload. Signatures (HTTP) and envelopes (Socket Mode) are checked by their callers.
/// </summary>
internal sealed class SlackInboundReader(IOptions<SlackOptions> options, Diagnostics.Knowledge knowledge, TimeProvider time)
{
    public TimeSpan EventDedupeWindow => options.Value.EventDedupeWindow;

    public SlackInbound Command(SlashCommand? command) => command is null
        ? new SlackInbound.Refused("Not a slash command: command, user_id and channel_id (Slack ids) are required.")
        : new SlackInbound.Work(WorkItem.Accepted(new SlackCommandWork(command.TeamId, command.ChannelId, command.UserId, command.Text, command.ResponseUrl), time), null);

    /// <summary>An Events API envelope (<c>event_callback</c>, <c>url_verification</c>).</summary>
    public SlackInbound Event(ReadOnlySpan<byte> json)
    {
        var envelope = SlackJson.Read(json, SlackJson.Default.SlackEnvelope, Handled, out var reason, out var ignored);
        if (envelope is null)
        {
            return ignored ? SlackInbound.Nothing.Instance : new SlackInbound.Refused($"Not a Slack event: {reason}.");
        }

        switch (envelope.Type)
        {
            case "url_verification" when envelope.Challenge is { } challenge:
                return new SlackInbound.Challenge(challenge);
            case "url_verification":
                return new SlackInbound.Refused("A url_verification needs a challenge.");
            case "event_callback":
                break;
            default:
                return SlackInbound.Nothing.Instance;
        }

        if (envelope is not { Event: { } e, EventId: { } eventId })
        {
            return new SlackInbound.Refused("An event_callback needs event and event_id.");
        }

        if (e.Type == "link_shared")
        {
            return LinkShared(envelope, e, eventId);
        }

        var isMention = e.Type == "app_mention";
        // Only people's new messages: no bots (ours included), no edits, deletions, joins or other subtypes.
        if (!(isMention || e is { Type: "message", ChannelType: "im" })
            || e.Subtype is not null || e.BotId is not null || e.Edited is not null
            || e.User is not { } user || e.Channel is not { } channel)
        {
            return SlackInbound.Nothing.Instance;
        }

        if (!SlackIds.AreIds(user, channel) || !SlackIds.IsOptionalId(envelope.TeamId) || !SlackIds.IsOptionalTs(e.Ts) || !SlackIds.IsOptionalTs(e.ThreadTs)
            || eventId.Length > 64)
        {
            return new SlackInbound.Refused("An event's ids and timestamps must be Slack ids and timestamps.");
        }

        // Slack's retries (X-Slack-Retry-Num, or a Socket Mode envelope sent again) carry the same event_id: answer once.
        var id = $"slack:event:{eventId}";
        return new SlackInbound.Work(new WorkItem(id, new SlackMessageWork(envelope.TeamId, channel, user, e.Text ?? "", e.Ts, e.ThreadTs, isMention)), id);
    }

    /// <summary>The most links of one message the bot unfurls (Slack sends every link of its unfurl domains).</summary>
    private const int MaxUnfurls = 5;

    /// <summary>
    /// <c>link_shared</c>: the Aircall call links to unfurl. In the composer, <c>channel</c> and <c>message_ts</c> are not a
    /// channel id and a timestamp (Slack says only chat.unfurl takes them): the unfurl id and source stand in.
    /// </summary>
    private static SlackInbound LinkShared(SlackEnvelope envelope, SlackEvent e, string eventId)
    {
        var urls = (e.Links ?? []).Select(l => l?.Url).OfType<string>()
            .Where(u => u.Length <= 2000 && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            .Distinct(StringComparer.Ordinal).Take(MaxUnfurls).ToArray();
        if (urls.Length == 0 || e.Channel is not { } channel)
        {
            return SlackInbound.Nothing.Instance;
        }

        var composer = e.Source == "composer";
        if (!SlackIds.IsId(channel) || !SlackIds.IsOptionalId(envelope.TeamId) || eventId.Length > 64
            || (composer ? e.UnfurlId is not { Length: > 0 and <= 200 } : !SlackIds.IsOptionalTs(e.MessageTs) || e.MessageTs is null)
            || e.UnfurlId is { Length: > 200 } || e.Source is { Length: > 40 } || e.UserLocale is { Length: > 20 })
        {
            return new SlackInbound.Refused("A link_shared event needs a channel and a message (or an unfurl id in the composer).");
        }

        var id = $"slack:event:{eventId}";
        return new SlackInbound.Work(new WorkItem(id, new SlackUnfurlWork(
            envelope.TeamId, channel, composer ? null : e.MessageTs, e.UnfurlId, e.Source, e.UserLocale, urls)), id);
    }

    /// <summary>An interaction payload (the <c>payload</c> form field over HTTP).</summary>
    public SlackInbound Interaction(ReadOnlySpan<byte> json)
    {
        var payload = SlackJson.Read(json, SlackJson.Default.SlackInteraction,
            types => types.Type is "block_actions" or "message_action" or "shortcut" or "view_submission", out var reason, out var ignored);
        if (payload is null)
        {
            return ignored ? SlackInbound.Nothing.Instance : new SlackInbound.Refused($"Not a Slack interaction: {reason}.");
        }

        switch (payload.Type)
        {
            case "message_action":
                return MessageShortcut(payload);
            case "shortcut":
                return GlobalShortcut(payload);
            case "view_submission":
                return ModalSubmitted(payload);
        }

        // Only clicks on our own buttons (their value is one of ours); anything else is acknowledged and ignored.
        if (payload is not { Type: "block_actions", Actions: [{ } action, ..], User.Id: { } user }
            || ButtonValues.Read(action.Value) is not { } value
            || (payload.Container?.ChannelId ?? payload.Channel?.Id) is not { } channel)
        {
            return SlackInbound.Nothing.Instance;
        }

        if (!SlackIds.AreIds(user, channel) || !SlackIds.IsOptionalId(payload.Team?.Id)
            || !SlackIds.IsOptionalTs(payload.Container?.MessageTs) || !SlackIds.IsOptionalTs(payload.Message?.ThreadTs))
        {
            return new SlackInbound.Refused("An interaction's ids and timestamps must be Slack ids and timestamps.");
        }

        var click = new SlackClickWork(
            payload.Team?.Id,
            channel,
            user,
            value,
            payload.Container?.MessageTs,
            payload.Message?.ThreadTs,
            payload.Container?.IsEphemeral ?? false,
            payload.ResponseUrl)
        {
            UserName = Shorten(payload.User?.Name ?? payload.User?.Username),
        };
        return new SlackInbound.Work(WorkItem.Accepted(click, time), null);
    }

    /// <summary>
    /// "Why no recording?" on a message: the message's text, answered in its thread for everyone there, as a mention would
    /// be; privately (the shortcut's response_url) when the bot cannot post in that channel.
    /// </summary>
    private SlackInbound MessageShortcut(SlackInteraction payload)
    {
        if (payload is not { CallbackId: SlackShortcuts.MessageCallbackId, User.Id: { } user, Channel.Id: { } channel, Message: { Ts: { } ts } message })
        {
            return SlackInbound.Nothing.Instance;
        }

        if (!SlackIds.AreIds(user, channel) || !SlackIds.IsOptionalId(payload.Team?.Id) || !SlackIds.IsOptionalTs(ts) || !SlackIds.IsOptionalTs(message.ThreadTs))
        {
            return new SlackInbound.Refused("A message shortcut's ids and timestamps must be Slack ids and timestamps.");
        }

        var work = new SlackMessageWork(payload.Team?.Id, channel, user, message.Text ?? "", ts, message.ThreadTs, IsMention: true) { FallbackUrl = payload.ResponseUrl };
        return new SlackInbound.Work(WorkItem.Accepted(work, time), null);
    }

    /// <summary>"Why no recording?" from anywhere: the modal, opened by the worker with the trigger (valid 3 s).</summary>
    private SlackInbound GlobalShortcut(SlackInteraction payload)
    {
        if (payload is not { CallbackId: SlackShortcuts.GlobalCallbackId, User.Id: { } user, TriggerId: { Length: > 0 and <= 200 } trigger })
        {
            return SlackInbound.Nothing.Instance;
        }

        return SlackIds.IsId(user) && SlackIds.IsOptionalId(payload.Team?.Id)
            ? new SlackInbound.Work(WorkItem.Accepted(new SlackOpenModalWork(payload.Team?.Id, user, trigger), time), null)
            : new SlackInbound.Refused("A shortcut's ids must be Slack ids.");
    }

    /// <summary>
    /// The modal submitted: its errors now, on their fields (Slack shows them and keeps the modal open), or the question
    /// answered privately in the conversation chosen (as the slash command answers there).
    /// </summary>
    private SlackInbound ModalSubmitted(SlackInteraction payload)
    {
        if (payload is not { View.CallbackId: SlackShortcuts.ModalCallbackId, User.Id: { } user } || !SlackIds.IsId(user) || !SlackIds.IsOptionalId(payload.Team?.Id))
        {
            return SlackInbound.Nothing.Instance;
        }

        var (text, where, errors) = SlackShortcuts.Read(payload, knowledge.Texts);
        return errors is not null
            ? new SlackInbound.Answer(errors)
            : new SlackInbound.Work(WorkItem.Accepted(new SlackCommandWork(payload.Team?.Id, where!.ChannelId!, user, text!, where.ResponseUrl), time), null);
    }

    /// <summary>Event types the bot acts on; anything else gets its 200 even when the bot cannot read it.</summary>
    private static bool Handled(SlackTypes types) =>
        types.Type is "url_verification" || types is { Type: "event_callback", Event.Type: "app_mention" or "message" or "link_shared" };

    /// <summary>A name from a payload, kept short (Slack's display names are at most 80 characters).</summary>
    private static string? Shorten(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Length <= 80 ? name : name[..80];
}
