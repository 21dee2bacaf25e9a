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
    IWorkQueue queue,
    TimeProvider time,
    ILogger<TeamsWorkHandler> logger) : IWorkHandler
{
    public const string ChannelName = "teams";
    public const string MessageKind = "message";
    public const string SubmitKind = "submit";
    public const string SendKind = "send";
    public const string WelcomeKind = "welcome";
    public const string RecheckKind = "recheck";

    public string Channel => ChannelName;

    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        var p = item.Payload;
        var serviceUrl = (string)p["serviceUrl"]!;
        var conversationId = (string)p["conversationId"]!;
        var user = (string?)p["user"] ?? "";
        var locale = (string?)p["locale"];
        var key = $"teams:{conversationId}";

        switch (item.Kind)
        {
            case MessageKind:
            {
                await SafeTypingAsync(serviceUrl, conversationId, ct);
                var result = await conversations.HandleTurnAsync(new Turn(key, user, locale) { Text = (string?)p["text"] ?? "" }, ct);
                await SendAsync(p, key, result.Reply, ct);
                break;
            }

            case SubmitKind:
            {
                var value = p["value"] as JsonObject;
                if (TeamsEndpoints.Str(value, "verb") == TeamsEndpoints.FeedbackVerb)
                {
                    var language = Languages.FromLocale(locale) ?? Languages.Default;
                    await SendAsync(p, key, new MessageReply(language, Diagnostics.Replies.MessageKind.Info, conversations.Text(language, TextKeys.FeedbackThanks)), ct);
                    return;
                }

                if (value is null || TeamsEndpoints.Answer(value) is not { } answer)
                {
                    logger.LogWarning("An Action.Submit carried no answer.");
                    return;
                }

                var result = await conversations.HandleTurnAsync(new Turn(answer.Key, user, locale) { Answer = answer.Answer }, ct);
                if (result.Answered is { } answered && (string?)p["replyToId"] is { } cardId)
                {
                    // A Submit cannot replace the card in its response: update the message that held it.
                    var readOnly = Activity(cards.Answered(CardChannel.Teams, answered.Question, answered.Value));
                    readOnly["id"] = cardId;
                    await connector.UpdateAsync(serviceUrl, conversationId, cardId, readOnly, ct);
                }

                await SendAsync(p, answer.Key, result.Reply, ct);
                break;
            }

            case SendKind:
            {
                await connector.ReplyAsync(serviceUrl, conversationId, (string?)p["replyToId"], p["reply"]!.AsObject(), ct);
                if (p["recheckSeconds"] is JsonValue seconds && seconds.TryGetValue<double>(out var delay))
                {
                    await ScheduleRecheckAsync(p, (string?)p["key"] ?? key, TimeSpan.FromSeconds(delay), ct);
                }

                break;
            }

            case WelcomeKind:
            {
                var language = Languages.FromLocale(locale) ?? Languages.Default;
                await connector.ReplyAsync(serviceUrl, conversationId, null, Activity(cards.Teams(conversations.Help(language))), ct);
                break;
            }

            case RecheckKind:
            {
                var result = await conversations.HandleTurnAsync(new Turn((string)p["key"]!, user, locale) { Recheck = true }, ct);
                await SendAsync(p, (string)p["key"]!, result.Reply, ct);
                break;
            }

            default:
                logger.LogWarning("Unknown Teams work kind {Kind}.", item.Kind);
                break;
        }
    }

    public static JsonObject Activity(JsonObject card) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(CardRenderer.TeamsAttachment(card)),
    };

    private async Task SendAsync(JsonObject p, string key, Reply reply, CancellationToken ct)
    {
        await connector.ReplyAsync((string)p["serviceUrl"]!, (string)p["conversationId"]!, (string?)p["activityId"] ?? (string?)p["replyToId"], Activity(cards.Teams(reply)), ct);
        if (reply is NotReadyReply notReady)
        {
            await ScheduleRecheckAsync(p, key, notReady.RecheckAfter, ct);
        }
    }

    private ValueTask ScheduleRecheckAsync(JsonObject p, string key, TimeSpan delay, CancellationToken ct)
    {
        var payload = (JsonObject)p.DeepClone();
        payload["key"] = key;
        payload.Remove("reply");
        payload.Remove("recheckSeconds");
        return queue.EnqueueAsync(new WorkItem($"teams:recheck:{Guid.NewGuid():N}", ChannelName, RecheckKind, payload)
        {
            NotBefore = time.GetUtcNow() + delay,
        }, ct);
    }

    private async Task SafeTypingAsync(string serviceUrl, string conversationId, CancellationToken ct)
    {
        try
        {
            await connector.TypingAsync(serviceUrl, conversationId, ct);
        }
        catch (HttpRequestException e)
        {
            logger.LogDebug("Typing indicator not sent: {Error}", e.Message);
        }
    }
}
