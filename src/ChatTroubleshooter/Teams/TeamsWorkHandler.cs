using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// The background half of the Teams adapter. It carries: typing indicator, the turn to the conversation core, the
/// Adaptive Card of what the core decided in the same conversation (a channel thread's id holds its root message,
/// so the reply lands in the thread).
/// </summary>
internal sealed class TeamsWorkHandler(
    ConversationService conversations,
    CardRenderer cards,
    ConnectorClient connector,
    ILogger<TeamsWorkHandler> logger) : IWorkHandler
{
    public string Name => "Teams";

    public bool Handles(Work work) => work is TeamsWork;

    /// <summary>A Teams conversation in its tenant (a channel's thread is one conversation).</summary>
    public static string ConversationKey(TeamsConversation conversation) => $"teams:{conversation.TenantId ?? "-"}:{conversation.ConversationId}";

    /// <summary>
    /// Where a diagnosis's buttons act (<see cref="Turn.Place"/>): the conversation, or for a channel's thread the channel
    /// (the same people read every thread of it, and an alert posted in the channel is clicked from its own thread).
    /// </summary>
    public static string Place(TeamsConversation conversation) => $"teams:{conversation.TenantId ?? "-"}:{conversation.PlaceId}";

    /// <summary>How to post in this conversation later (a proactive alert): for a channel, as a new post in it.</summary>
    public static TeamsPlace Reachable(TeamsConversation conversation) =>
        new(conversation.ServiceUrl, conversation.PlaceId, conversation.TenantId, IsChannel: conversation.Type == "channel");

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        switch (item.Work)
        {
            case TeamsMessageWork message:
            {
                var key = ConversationKey(message.Conversation);
                var turn = Turn(message.Conversation, key, message.UserId, message.Locale) with
                {
                    Text = message.Text,
                    Id = item.Id,
                    UserName = message.UserName,
                    Reachable = Reachable(message.Conversation),
                };
                var outcome = await conversations.HandleTurnAsync(turn, ct);
                return [new TeamsTypingDelivery(message.Conversation), .. Deliveries(message.Conversation, turn, outcome, message.ReplyToId, clickedId: null)];
            }

            case TeamsSubmitWork submit:
            {
                var here = Turn(submit.Conversation, ConversationKey(submit.Conversation), submit.UserId, submit.Locale);
                // An Action.Submit has no private answer where others read: the core withholds what is for the user alone.
                var turn = submit.Value.ApplyTo(here with { Id = item.Id, UserName = submit.UserName, PrivateReplyPossible = false });
                var outcome = await conversations.HandleTurnAsync(turn, ct);
                if (outcome.Withheld)
                {
                    return [];
                }

                // A Submit cannot replace the card in its response: the message that held it is updated instead.
                return Deliveries(submit.Conversation, turn, outcome, submit.ReplyToId, submit.CardId);
            }

            case TeamsWelcomeWork welcome:
            {
                var help = conversations.Welcome(welcome.Locale);
                return [new TeamsReplyDelivery(welcome.Conversation, null, Activity(cards.Teams(help), CardRenderer.Summary(help)))];
            }

            case TeamsRecheckWork recheck:
            {
                var turn = Turn(recheck.Conversation, recheck.ConversationKey, recheck.UserId, recheck.Locale) with { Intent = new Recheck(), Id = item.Id };
                return Deliveries(recheck.Conversation, turn, await conversations.HandleTurnAsync(turn, ct), recheck.ReplyToId, clickedId: null);
            }

            case TeamsSendWork:
                // Planned when it was accepted; nothing left to decide.
                return [];

            default:
                throw new InvalidOperationException($"Not Teams work: {item.Work.GetType().Name}.");
        }
    }

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        switch (delivery)
        {
            case TeamsTypingDelivery typing:
                try
                {
                    await connector.TypingAsync(typing.To.ServiceUrl, typing.To.ConversationId, ct);
                }
                catch (HttpRequestException e)
                {
                    logger.LogDebug("Typing indicator not sent: {Error}", e.Message);
                }

                break;
            case TeamsReplyDelivery reply:
                await connector.ReplyAsync(reply.To.ServiceUrl, reply.To.ConversationId, reply.ReplyToId, reply.Activity, ct);
                break;
            case TeamsUpdateDelivery update:
                await connector.UpdateAsync(update.To.ServiceUrl, update.To.ConversationId, update.ActivityId, update.Activity, ct);
                break;
            default:
                throw new InvalidOperationException($"Not a Teams delivery: {delivery.GetType().Name}.");
        }
    }

    public static Turn Turn(TeamsConversation conversation, string key, string user, string? locale) =>
        new(ChatChannel.Teams, key, user, locale) { Visibility = conversation.Visibility, Place = Place(conversation) };

    /// <summary>
    /// A message activity holding a card, with its one-line summary; with <paramref name="id"/>, the replacement of that
    /// activity; with <paramref name="metadata"/> (a diagnosis), the diagnosis for other apps as an entity.
    /// </summary>
    public static JsonObject Activity(JsonObject card, string summary, string? id = null, DiagnosisMetadata? metadata = null)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["summary"] = summary,
            ["attachments"] = new JsonArray(CardRenderer.TeamsAttachment(card)),
        };
        if (id is not null)
        {
            activity["id"] = id;
        }

        if (metadata is not null)
        {
            activity["entities"] = new JsonArray(metadata.ToTeamsEntity());
        }

        return activity;
    }

    /// <summary>
    /// What to send for the core's outcome: the clicked card replaced (by its answered version, or by the reply
    /// itself after feedback), the reply in the conversation, and a re-check when the call was not ready.
    /// </summary>
    public List<Delivery> Deliveries(TeamsConversation to, Turn turn, TurnOutcome outcome, string? replyToId, string? clickedId)
    {
        var plan = new List<Delivery>(3);
        if (outcome.Answered is { } answered && clickedId is not null)
        {
            plan.Add(new TeamsUpdateDelivery(to, clickedId, Activity(cards.Answered(CardChannel.Teams, answered.Question, answered.Value, outcome.MaskPhoneNumbers),
                CardRenderer.Summary(answered.Question, outcome.MaskPhoneNumbers), clickedId)));
        }

        var card = cards.Teams(outcome.Reply, outcome.MaskPhoneNumbers);
        var summary = CardRenderer.Summary(outcome.Reply, outcome.MaskPhoneNumbers);
        var metadata = DiagnosisMetadata.Of(outcome.Reply);
        plan.Add(outcome.ReplacesClicked && clickedId is not null
            ? new TeamsUpdateDelivery(to, clickedId, Activity(card, summary, clickedId, metadata))
            : new TeamsReplyDelivery(to, replyToId, Activity(card, summary, metadata: metadata)));
        if (outcome.RecheckAfter is { } after)
        {
            plan.Add(new FollowUp(after, new TeamsRecheckWork(to, turn.ConversationKey, turn.UserId, turn.Locale, replyToId)));
        }

        if (outcome.Then is { } then)
        {
            plan.Add(new FollowUp(TimeSpan.Zero, then));
        }

        return plan;
    }
}
