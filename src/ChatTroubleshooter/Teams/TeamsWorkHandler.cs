using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// The background half of the Teams adapter: typing indicator, the conversation turn, the Adaptive Card reply
/// in the same conversation (a channel thread's id holds its root message, so the reply lands in the thread).
/// </summary>
internal sealed class TeamsWorkHandler(
    ConversationService conversations,
    CardRenderer cards,
    ConnectorClient connector,
    ILogger<TeamsWorkHandler> logger) : IWorkHandler
{
    public const string ChannelName = "teams";
    public const string MessageKind = "message";
    public const string SubmitKind = "submit";
    public const string SendKind = "send";
    public const string WelcomeKind = "welcome";
    public const string RecheckKind = "recheck";

    public string Channel => ChannelName;

    public async Task<JsonArray> PlanAsync(WorkItem item, CancellationToken ct)
    {
        var p = item.Payload;
        var user = (string?)p["user"] ?? "";
        var locale = (string?)p["locale"];
        var key = (string?)p["key"] ?? $"teams:{p["conversationId"]}";
        var replyTo = (string?)p["activityId"] ?? (string?)p["replyToId"];

        switch (item.Kind)
        {
            case MessageKind:
            {
                var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Text = (string?)p["text"] ?? "", Id = item.Id }, ct);
                var plan = Deliveries(p, key, result.Reply, replyTo);
                plan.Insert(0, new JsonObject { ["type"] = "typing" });
                return plan;
            }

            case SubmitKind:
            {
                var value = p["value"] as JsonObject;
                if (TeamsEndpoints.Str(value, "verb") == TeamsEndpoints.FeedbackVerb)
                {
                    var helpful = value?["helpful"] is JsonValue h && h.TryGetValue<bool>(out var b) && b;
                    var reply = TeamsEndpoints.Str(value, "diagnosisId") is { } diagnosisId
                        ? await conversations.FeedbackAsync(diagnosisId, user, helpful, ChannelName, ct)
                        : null;
                    if (reply is null || (string?)p["replyToId"] is not { } feedbackCard)
                    {
                        return [];
                    }

                    var updated = Activity(cards.Teams(reply));
                    updated["id"] = feedbackCard;
                    return [new JsonObject { ["type"] = "update", ["activityId"] = feedbackCard, ["activity"] = updated }];
                }

                if (value is null || TeamsEndpoints.Answer(value) is not { } answer)
                {
                    logger.LogWarning("An Action.Submit carried no answer.");
                    return [];
                }

                var result = await conversations.HandleTurnAsync(new Turn(answer.Key, user, locale) { Answer = answer.Answer, Id = item.Id }, ct);
                var plan = Deliveries(p, answer.Key, result.Reply, replyTo);
                if (result.Answered is { } answered && (string?)p["replyToId"] is { } cardId)
                {
                    // A Submit cannot replace the card in its response: update the message that held it.
                    var readOnly = Activity(cards.Answered(CardChannel.Teams, answered.Question, answered.Value));
                    readOnly["id"] = cardId;
                    plan.Insert(0, new JsonObject { ["type"] = "update", ["activityId"] = cardId, ["activity"] = readOnly });
                }

                return plan;
            }

            case WelcomeKind:
            {
                var language = Languages.FromLocale(locale) ?? Languages.Default;
                return [new JsonObject { ["type"] = "reply", ["replyToId"] = null, ["activity"] = Activity(cards.Teams(conversations.Help(language))) }];
            }

            case RecheckKind:
            {
                var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Recheck = true, Id = item.Id }, ct);
                return Deliveries(p, key, result.Reply, replyTo);
            }

            default:
                logger.LogWarning("Unknown Teams work kind {Kind}.", item.Kind);
                return [];
        }
    }

    public async Task DeliverAsync(WorkItem item, JsonObject delivery, CancellationToken ct)
    {
        var serviceUrl = (string)item.Payload["serviceUrl"]!;
        var conversationId = (string)item.Payload["conversationId"]!;
        switch ((string?)delivery["type"])
        {
            case "typing":
                try
                {
                    await connector.TypingAsync(serviceUrl, conversationId, ct);
                }
                catch (HttpRequestException e)
                {
                    logger.LogDebug("Typing indicator not sent: {Error}", e.Message);
                }

                break;
            case "reply":
                await connector.ReplyAsync(serviceUrl, conversationId, (string?)delivery["replyToId"], delivery["activity"]!.AsObject(), ct);
                break;
            case "update":
                await connector.UpdateAsync(serviceUrl, conversationId, (string)delivery["activityId"]!, delivery["activity"]!.AsObject(), ct);
                break;
        }
    }

    public static JsonObject Activity(JsonObject card) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(CardRenderer.TeamsAttachment(card)),
    };

    private static readonly HashSet<string> Machine = ["data", "url", "verb", "type", "version", "$schema"];

    /// <summary>In a channel or group chat everyone reads the reply: customer phone numbers are masked there.</summary>
    private static JsonObject Visible(JsonObject card, JsonObject payload) =>
        (string?)payload["conversationType"] is "channel" or "groupChat"
            ? JsonStrings.Map(card, PhoneNumbers.Mask, Machine)!.AsObject()
            : card;

    /// <summary>The reply card in the same conversation, and a re-check when the call was not ready.</summary>
    public JsonArray Deliveries(JsonObject payload, string key, Reply reply, string? replyToId)
    {
        var plan = new JsonArray(new JsonObject { ["type"] = "reply", ["replyToId"] = replyToId, ["activity"] = Activity(Visible(cards.Teams(reply), payload)) });
        if (reply is NotReadyReply notReady)
        {
            var next = (JsonObject)payload.DeepClone();
            next["key"] = key;
            next.Remove(WorkProcessor.PlanKey);
            plan.Add(WorkProcessor.Schedule(RecheckKind, notReady.RecheckAfter, next));
        }

        return plan;
    }
}
