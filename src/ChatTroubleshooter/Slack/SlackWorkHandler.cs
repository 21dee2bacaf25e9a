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
    IWorkQueue queue,
    TimeProvider time,
    ILogger<SlackWorkHandler> logger) : IWorkHandler
{
    public const string ChannelName = "slack";
    public const string CommandKind = "command";
    public const string MentionKind = "mention";
    public const string DirectMessageKind = "dm";
    public const string ActionKind = "action";
    public const string RecheckKind = "recheck";

    public string Channel => ChannelName;

    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var p = item.Payload;
        switch (item.Kind)
        {
            case CommandKind:
            {
                var target = Target.Response((string?)p["responseUrl"], (string)p["channel"]!, (string)p["user"]!);
                var key = $"slack:{p["team"]}:{p["channel"]}:{p["user"]}";
                await TurnAsync(key, (string)p["user"]!, target, (string?)p["text"] ?? "", ct);
                break;
            }

            case MentionKind or DirectMessageKind:
            {
                var user = (string)p["user"]!;
                var identity = await api.IdentityAsync(ct);
                if (user == identity.UserId)
                {
                    return;
                }

                var channel = (string)p["channel"]!;
                var threadTs = (string?)p["threadTs"] ?? (item.Kind == MentionKind ? (string?)p["ts"] : null);
                var key = threadTs is null ? $"slack:{p["team"]}:{channel}" : $"slack:{p["team"]}:{channel}:thread:{threadTs}";
                var text = StripMentions((string?)p["text"] ?? "", identity.UserId);
                await TurnAsync(key, user, Target.Post(channel, threadTs, user, visible: item.Kind == MentionKind), text, ct);
                break;
            }

            case ActionKind:
                await ActionAsync(p, ct);
                break;

            case RecheckKind:
            {
                var target = Target.From(p["target"]!.AsObject());
                var result = await conversations.HandleTurnAsync(new Turn((string)p["key"]!, target.User, (string?)p["locale"]) { Recheck = true }, ct);
                await DeliverAsync(result.Reply, target, (string)p["key"]!, ct);
                break;
            }

            default:
                logger.LogWarning("Unknown Slack work kind {Kind}.", item.Kind);
                break;
        }
    }

    private async Task TurnAsync(string key, string user, Target target, string text, CancellationToken ct)
    {
        var locale = await api.UserLocaleAsync(user, ct);
        var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Text = text }, ct);
        await DeliverAsync(result.Reply, target, key, ct, locale);
    }

    private async Task ActionAsync(JsonObject p, CancellationToken ct)
    {
        var user = (string?)p["user"] ?? "";
        var ephemeral = (bool?)p["isEphemeral"] ?? false;
        var channel = (string?)p["channel"] ?? "";
        var target = ephemeral || (string?)p["messageTs"] is null
            ? Target.Response((string?)p["responseUrl"], channel, user)
            : Target.Post(channel, (string?)p["threadTs"], user, visible: !channel.StartsWith('D'));

        if ((string?)p["action"] != SlackEndpoints.AnswerAction)
        {
            // Feedback and escalation are acknowledged here; storing them belongs to the feedback feature.
            logger.LogInformation("Slack {Action} click received.", (string?)p["actionId"]);
            return;
        }

        JsonObject? value = null;
        try
        {
            value = JsonNode.Parse((string?)p["value"] ?? "") as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (value is null || (string?)value["k"] is not { } key || (string?)value["c"] is not { } id
            || (string?)value["f"] is not { } fact || (string?)value["v"] is not { } answer)
        {
            logger.LogWarning("A Slack answer button carried an unreadable value.");
            return;
        }

        var locale = await api.UserLocaleAsync(user, ct);
        var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Answer = new Answer(id, fact, answer) }, ct);

        // Replace the question with its answered, read-only version so it cannot be clicked twice.
        if (result.Answered is { } answered)
        {
            var readOnly = cards.Answered(CardChannel.Slack, answered.Question, answered.Value);
            if (target.Mode == TargetMode.Response)
            {
                await SafeAsync(() => responses.PostAsync(target.ResponseUrl!, readOnly, ephemeral: true, replaceOriginal: true, ct), "replace the question");
            }
            else
            {
                await SafeAsync(() => api.UpdateAsync(channel, (string)p["messageTs"]!, Visible(readOnly, target), ct), "update the question");
            }
        }

        await DeliverAsync(result.Reply, target, key, ct, locale);
    }

    private async Task DeliverAsync(Reply reply, Target target, string key, CancellationToken ct, string? locale = null)
    {
        var message = Visible(cards.Slack(reply), target);
        if (target.Mode == TargetMode.Response)
        {
            await responses.PostAsync(target.ResponseUrl!, message, ephemeral: true, replaceOriginal: false, ct);
        }
        else
        {
            await api.PostMessageAsync(target.Channel, target.ThreadTs, message, ct);
        }

        if (reply is NotReadyReply notReady)
        {
            await queue.EnqueueAsync(new WorkItem($"slack:recheck:{Guid.NewGuid():N}", ChannelName, RecheckKind, new JsonObject
            {
                ["key"] = key,
                ["locale"] = locale,
                ["target"] = target.ToJson(),
            })
            {
                NotBefore = time.GetUtcNow() + notReady.RecheckAfter,
            }, ct);
        }
    }

    /// <summary>A message everyone in a channel sees never shows customer phone numbers.</summary>
    private static JsonObject Visible(JsonObject message, Target target) =>
        target.Visible ? (JsonObject)SlackRedaction.Redact(message) : message;

    private async Task SafeAsync(Func<Task> action, string what)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException)
        {
            logger.LogWarning("Could not {What}: {Error}", what, e.Message);
        }
    }

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
internal static partial class SlackRedaction
{
    public static JsonNode Redact(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child && key is not ("value" or "action_id" or "block_id" or "url"))
                    {
                        obj[key] = Redact(child.DeepClone());
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        array[i] = Redact(child.DeepClone());
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(RedactText(text));
            default:
                return node;
        }
    }

    /// <summary>"+33 6 12 34 56 78" → "+33 •• •• •• •• 78"-like masking: keeps the country code and last 2 digits.</summary>
    public static string RedactText(string text) => PhoneNumber().Replace(text, m =>
    {
        var digits = m.Value.Count(char.IsDigit);
        return digits < 8 ? m.Value : (m.Value.StartsWith('+') ? "+" : "") + "•••••••" + m.Value[^2..];
    });

    // International (+…) numbers, or 4+ groups of digits separated by spaces or dots ("06 12 34 56 78"), with
    // 8 digits or more: phone-like. Bare runs of digits (call ids), dates and times are left alone.
    [GeneratedRegex(@"\+\d[\d\s().\-]{6,}\d|(?<![\w+:\-])\d{1,4}(?:[ .]\d{2,4}){3,}(?![\w:\-])")]
    private static partial Regex PhoneNumber();
}
