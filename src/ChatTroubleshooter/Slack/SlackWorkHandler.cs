using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// The slow half of the Slack adapter: learns the user's locale, hands the turn to the conversation core,
/// renders the reply as Block Kit and sends it where the question was asked (response_url for the slash
/// command, the thread for a mention, the DM for a direct message).
/// </summary>
internal sealed partial class SlackWorkHandler(
    ConversationService conversations,
    CardRenderer cards,
    SlackApiClient api,
    SlackResponseClient responses,
    ILogger<SlackWorkHandler> logger) : IWorkHandler
{
    public const string ChannelName = "slack";
    public const string CommandKind = "command";
    public const string MentionKind = "mention";
    public const string DirectMessageKind = "dm";
    public const string ActionKind = "action";
    public const string RecheckKind = "recheck";

    public string Channel => ChannelName;

    public async Task<JsonArray> PlanAsync(WorkItem item, CancellationToken ct)
    {
        var p = item.Payload;
        switch (item.Kind)
        {
            case CommandKind:
            {
                var target = Target.Response((string?)p["responseUrl"], (string)p["channel"]!, (string)p["user"]!);
                var key = $"slack:{p["team"]}:{p["channel"]}:{p["user"]}";
                return await TurnAsync(key, (string)p["user"]!, target, new Turn(key, (string)p["user"]!, null) { Text = (string?)p["text"] ?? "", Id = item.Id }, ct);
            }

            case MentionKind or DirectMessageKind:
            {
                var user = (string)p["user"]!;
                var identity = await api.IdentityAsync(ct);
                if (user == identity.UserId)
                {
                    return [];
                }

                var channel = (string)p["channel"]!;
                var threadTs = (string?)p["threadTs"] ?? (item.Kind == MentionKind ? (string?)p["ts"] : null);
                var key = threadTs is null ? $"slack:{p["team"]}:{channel}" : $"slack:{p["team"]}:{channel}:thread:{threadTs}";
                var text = StripMentions((string?)p["text"] ?? "", identity.UserId);
                var target = Target.Post(channel, threadTs, user, visible: item.Kind == MentionKind);
                return await TurnAsync(key, user, target, new Turn(key, user, null) { Text = text, Id = item.Id }, ct);
            }

            case ActionKind:
                return await ActionAsync(item.Id, p, ct);

            case RecheckKind:
            {
                var target = Target.From(p["target"]!.AsObject());
                var key = (string)p["key"]!;
                return await TurnAsync(key, target.User, target, new Turn(key, target.User, null) { Recheck = true, Id = item.Id }, ct);
            }

            default:
                logger.LogWarning("Unknown Slack work kind {Kind}.", item.Kind);
                return [];
        }
    }

    public async Task DeliverAsync(WorkItem item, JsonObject delivery, CancellationToken ct)
    {
        var message = delivery["message"]!.AsObject();
        switch ((string?)delivery["type"])
        {
            case "response":
                await responses.PostAsync((string)delivery["url"]!, message, ephemeral: true, replaceOriginal: (bool?)delivery["replace"] ?? false, ct);
                break;
            case "post":
                await api.PostMessageAsync((string)delivery["channel"]!, (string?)delivery["threadTs"], message, ct);
                break;
            case "update":
                try
                {
                    await api.UpdateAsync((string)delivery["channel"]!, (string)delivery["ts"]!, message, ct);
                }
                catch (SlackApiException e)
                {
                    // The question stays clickable; a second click gets "already answered". Not worth failing the reply.
                    logger.LogWarning("Could not replace the answered question: {Error}", e.Error);
                }

                break;
        }
    }

    private async Task<JsonArray> TurnAsync(string key, string user, Target target, Turn turn, CancellationToken ct)
    {
        var locale = await api.UserLocaleAsync(user, ct);
        var result = await conversations.HandleTurnAsync(turn with { Locale = locale }, ct);
        return Deliveries(result.Reply, target, key);
    }

    private async Task<JsonArray> ActionAsync(string workId, JsonObject p, CancellationToken ct)
    {
        var user = (string?)p["user"] ?? "";
        var ephemeral = (bool?)p["isEphemeral"] ?? false;
        var channel = (string?)p["channel"] ?? "";
        var target = ephemeral || (string?)p["messageTs"] is null
            ? Target.Response((string?)p["responseUrl"], channel, user)
            : Target.Post(channel, (string?)p["threadTs"], user, visible: !channel.StartsWith('D'));

        JsonObject? value = null;
        try
        {
            value = JsonNode.Parse((string?)p["value"] ?? "") as JsonObject;
        }
        catch (JsonException)
        {
        }

        if ((string?)p["action"] != SlackEndpoints.AnswerAction)
        {
            return await FeedbackAsync(p, value, target, user, ct);
        }

        if (value is null || (string?)value["k"] is not { } key || (string?)value["c"] is not { } id
            || (string?)value["f"] is not { } fact || (string?)value["v"] is not { } answer)
        {
            logger.LogWarning("A Slack answer button carried an unreadable value.");
            return [];
        }

        var locale = await api.UserLocaleAsync(user, ct);
        var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Answer = new Answer(id, fact, answer), Id = workId }, ct);
        var deliveries = new JsonArray();

        // Replace the question with its answered, read-only version so it cannot be clicked twice.
        if (result.Answered is { } answered)
        {
            var readOnly = cards.Answered(CardChannel.Slack, answered.Question, answered.Value);
            deliveries.Add(target.Mode == TargetMode.Response
                ? new JsonObject { ["type"] = "response", ["url"] = target.ResponseUrl, ["replace"] = true, ["message"] = readOnly }
                : new JsonObject { ["type"] = "update", ["channel"] = channel, ["ts"] = (string?)p["messageTs"], ["message"] = Visible(readOnly, target) });
        }

        foreach (var delivery in Deliveries(result.Reply, target, key))
        {
            deliveries.Add(delivery!.DeepClone());
        }

        return deliveries;
    }

    /// <summary>
    /// "This solved it", "Not solved" or "Still stuck?": store the feedback and show the diagnosis again with a
    /// thank-you line instead of the buttons (and the escalation summary when it did not help).
    /// </summary>
    private async Task<JsonArray> FeedbackAsync(JsonObject p, JsonObject? value, Target target, string user, CancellationToken ct)
    {
        if ((string?)value?["d"] is not { } diagnosisId)
        {
            logger.LogWarning("A Slack feedback button carried an unreadable value.");
            return [];
        }

        var helpful = (string?)p["actionId"] == SlackEndpoints.FeedbackAction + ":solved";
        var reply = await conversations.FeedbackAsync(diagnosisId, user, helpful, ChannelName, ct);
        if (reply is null)
        {
            var locale = await api.UserLocaleAsync(user, ct);
            var language = Diagnostics.Texts.Languages.FromLocale(locale) ?? Diagnostics.Texts.Languages.Default;
            return Deliveries(new MessageReply(language, MessageKind.Info, conversations.Text(language, Diagnostics.Texts.TextKeys.ErrorExpired)), target, "");
        }

        var message = Visible(cards.Slack(reply), target);
        return target.Mode == TargetMode.Response
            ? [new JsonObject { ["type"] = "response", ["url"] = target.ResponseUrl, ["replace"] = true, ["message"] = message }]
            : [new JsonObject { ["type"] = "update", ["channel"] = target.Channel, ["ts"] = (string?)p["messageTs"], ["message"] = message }];
    }

    /// <summary>Where the reply goes (response_url or a post), and a re-check when the call was not ready.</summary>
    private JsonArray Deliveries(Reply reply, Target target, string key)
    {
        var message = Visible(cards.Slack(reply), target);
        var deliveries = new JsonArray(target.Mode == TargetMode.Response
            ? new JsonObject { ["type"] = "response", ["url"] = target.ResponseUrl, ["replace"] = false, ["message"] = message }
            : new JsonObject { ["type"] = "post", ["channel"] = target.Channel, ["threadTs"] = target.ThreadTs, ["message"] = message });
        if (reply is NotReadyReply notReady)
        {
            deliveries.Add(WorkProcessor.Schedule(RecheckKind, notReady.RecheckAfter, new JsonObject { ["key"] = key, ["target"] = target.ToJson() }));
        }

        return deliveries;
    }

    /// <summary>A message everyone in a channel sees never shows customer phone numbers.</summary>
    private static JsonObject Visible(JsonObject message, Target target) =>
        target.Visible ? SlackRedaction.Redact(message).AsObject() : message;

    /// <summary>Removes the bot's own mention (or, when the bot's id is unknown, any leading mention).</summary>
    internal static string StripMentions(string text, string? botUserId)
    {
        var stripped = botUserId is null
            ? LeadingMention().Replace(text, "")
            : Regex.Replace(text, $@"<@{Regex.Escape(botUserId)}(\|[^>]*)?>", "");
        return stripped.Trim();
    }

    [GeneratedRegex(@"^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+")]
    private static partial Regex LeadingMention();

    internal enum TargetMode
    {
        Response,
        Post,
    }

    /// <summary>Where replies go: a response_url (ephemeral) or a channel/thread post.</summary>
    internal sealed record Target(TargetMode Mode, string? ResponseUrl, string Channel, string? ThreadTs, string User, bool Visible)
    {
        public static Target Response(string? url, string channel, string user) => new(TargetMode.Response, url, channel, null, user, false);

        public static Target Post(string channel, string? threadTs, string user, bool visible) => new(TargetMode.Post, null, channel, threadTs, user, visible);

        public JsonObject ToJson() => new()
        {
            ["mode"] = Mode.ToString(), ["responseUrl"] = ResponseUrl, ["channel"] = Channel, ["threadTs"] = ThreadTs,
            ["user"] = User, ["visible"] = Visible,
        };

        public static Target From(JsonObject o) => new(
            Enum.Parse<TargetMode>((string)o["mode"]!), (string?)o["responseUrl"], (string)o["channel"]!, (string?)o["threadTs"],
            (string)o["user"]!, (bool)o["visible"]!);
    }
}

/// <summary>Masks phone numbers (customer numbers) in every text of a message meant for a channel.</summary>
internal static class SlackRedaction
{
    private static readonly HashSet<string> Machine = ["value", "action_id", "block_id", "url"];

    /// <summary>A copy of the message with phone numbers masked in every text (not in button values or ids).</summary>
    public static JsonNode Redact(JsonNode node) => JsonStrings.Map(node, PhoneNumbers.Mask, Machine)!;

}
