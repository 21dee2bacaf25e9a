using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Links;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// Answers an Action.Execute click within its invoke, as the Universal Actions protocol asks: the card that replaces the
/// clicked one (or a one-line message), with the next step, already decided by the core, queued for the worker to send.
/// </summary>
internal sealed class TeamsInvokes(
    ConversationService conversations, CallStatuses links, CardRenderer cards, TeamsWorkHandler handler, WorkIntake intake, TimeProvider time)
{
    public const string ActivityMessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    public async Task<IResult> AnswerAsync(HttpContext http, TeamsInbound.CardAction click, CancellationToken ct)
    {
        var (to, turn) = (click.To, click.Turn);
        var outcome = await conversations.HandleTurnAsync(turn, ct);
        if (outcome.Answered is not null || outcome.InThread)
        {
            // An answer: the next step goes after the answered question. "Investigate", "Expected" on an alert: the alert
            // stays as it is, what follows goes in its thread for everyone there (the invoke's conversation is that thread).
            var plan = handler.Deliveries(to, turn, outcome, outcome.Answered is not null ? click.ReplyToId : null, clickedId: null);
            if (await intake.AcceptAsync(WorkItem.Accepted(new TeamsSendWork(), time) with { Plan = plan }, TeamsAuthentication.Source, ct) is WorkIntake.Outcome.Unavailable)
            {
                return WorkIntake.Unavailable(http);
            }

            return outcome.Answered is { } answered
                ? Card(cards.Answered(CardChannel.Teams, answered.Question, answered.Value, outcome.MaskPhoneNumbers))
                : Message(CardRenderer.Summary(outcome.Reply, outcome.MaskPhoneNumbers));
        }

        // The answer comes back in the invoke response: a draft or summary reaches only the user who clicked.
        return outcome switch
        {
            { ReplacesClicked: true } => Card(cards.Teams(outcome.Reply, outcome.MaskPhoneNumbers)),
            { Reply: MessageReply message } => Message(message.Text),
            _ => Card(cards.Teams(outcome.Reply, outcome.MaskPhoneNumbers)),
        };
    }

    /// <summary>
    /// A pasted Aircall call link's preview (<c>composeExtension/queryLink</c>): the call's recording status as an Adaptive
    /// Card (phone numbers masked: the conversation reads it), with a one-line preview; a link to nothing the bot can
    /// read previews nothing.
    /// </summary>
    public async Task<IResult> QueryLinkAsync(TeamsInbound.LinkQuery query, CancellationToken ct)
    {
        var language = Diagnostics.Texts.Languages.FromLocale(query.Locale) ?? Diagnostics.Texts.Languages.Default;
        var attachments = new JsonArray();
        if (await links.ForLinkAsync(query.Url, language, ct) is { } status)
        {
            attachments.Add(new JsonObject
            {
                ["contentType"] = CardRenderer.ContentType,
                ["content"] = cards.Teams(status, maskPhoneNumbers: true),
                ["preview"] = new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.thumbnail",
                    ["content"] = new JsonObject { ["title"] = status.Title, ["text"] = status.Status },
                },
            });
        }

        return Results.Json(new JsonObject
        {
            ["composeExtension"] = new JsonObject { ["type"] = "result", ["attachmentLayout"] = "list", ["attachments"] = attachments },
        });
    }

    public static IResult Card(JsonObject card) =>
        Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = CardRenderer.ContentType, ["value"] = card });

    public static IResult Message(string text) =>
        Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = ActivityMessageType, ["value"] = text });

    /// <summary>An invoke's error response; with <paramref name="asHttpStatus"/> the HTTP status says it too.</summary>
    public static IResult Error(int status, string code, string message, bool asHttpStatus) =>
        Results.Json(new JsonObject
        {
            ["statusCode"] = status,
            ["type"] = ErrorType,
            ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
        }, statusCode: asHttpStatus ? status : StatusCodes.Status200OK);
}
