using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Outbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// <c>POST /api/messages</c>, the Bot Framework Activity endpoint. Parse once into an <see cref="Activity"/> →
/// authenticate → queue the turn for the conversation core (a card click is answered within its invoke) → 200.
/// </summary>
public static class TeamsEndpoints
{
    public const string Route = "/api/messages";
    public const string CardActionInvoke = "adaptiveCard/action";
    public const string ActivityMessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    /// <summary>The longest conversation, tenant or user id accepted.</summary>
    private const int MaxIdLength = 512;

    /// <summary>How refused requests are named in the log.</summary>
    private const string Source = "Bot Connector /api/messages";

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        var limit = app.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value.MaxBodyBytes;
        app.MapPost(Route, MessagesAsync).WithMetadata(new RequestSizeLimitAttribute(limit));
        return app;
    }

    private static async Task<IResult> MessagesAsync(
        HttpContext http,
        TeamsAuthenticator auth,
        IOptions<TeamsOptions> options,
        WorkIntake intake,
        RefusedRequestLog refused,
        TimeProvider time,
        ConversationService conversations,
        CardRenderer cards,
        TeamsWorkHandler handler,
        CancellationToken ct)
    {
        // Authenticate before reading anything of the body: a forged request costs a header check, not a parse.
        JsonWebToken? token = null;
        if (options.Value.IsOff)
        {
            refused.Refused(Source, "Teams is off (Teams__AppId is not set)");
            return Results.Unauthorized();
        }

        if (options.Value.IsAnonymous)
        {
            if (http.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
            {
                refused.Refused(Source, "anonymous mode accepts loopback clients only");
                return Results.Unauthorized();
            }
        }
        else
        {
            (token, var failure) = await auth.ValidateTokenAsync(http.Request.Headers.Authorization.ToString(), ct);
            if (failure is not null)
            {
                refused.Refused(Source, failure);
                return Results.Unauthorized();
            }
        }

        var (activity, unreadable) = await RequestBody.ReadJsonAsync(http.Request, TeamsJson.Default.Activity, "Malformed activity", ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (activity?.Type is not { } type)
        {
            return Results.BadRequest("An activity needs a type.");
        }

        if (token is not null && await auth.CheckActivityAsync(token, activity.ServiceUrl, activity.ChannelId, ct) is { } mismatch)
        {
            refused.Refused(Source, mismatch);
            return Results.Unauthorized();
        }

        if (activity is not { ServiceUrl: { } serviceUrl, Conversation.Id: { } conversationId })
        {
            return type is "message" or "invoke"
                ? Results.BadRequest("A message or invoke needs serviceUrl and conversation.id.")
                : Results.Ok();
        }

        if (conversationId.Length > MaxIdLength || activity.Conversation.TenantId?.Length > MaxIdLength || activity.From?.Id?.Length > MaxIdLength)
        {
            // Real ids are GUIDs and thread ids of about 100 characters; a longer one would ride in every button of every reply.
            return Results.BadRequest($"conversation.id, conversation.tenantId and from.id are at most {MaxIdLength} characters.");
        }

        var visibility = activity.Conversation.ConversationType is "channel" or "groupChat" ? Visibility.Shared : Visibility.Private;
        var to = new TeamsConversation(serviceUrl, conversationId, visibility) { TenantId = activity.Conversation.TenantId, Type = activity.Conversation.ConversationType };
        var user = activity.From?.Id;
        if (type is "message" or "invoke" && user is null)
        {
            return Results.BadRequest("A message or invoke needs from.id.");
        }

        switch (type)
        {
            case "message" when activity.Value is { ValueKind: JsonValueKind.Object } && string.IsNullOrWhiteSpace(activity.Text):
                // Action.Submit (the fallback of our Action.Execute buttons): the value is the button's data.
                return ButtonValues.Read(activity.Value) is { } value
                    ? WorkIntake.Ack(http, await intake.AcceptAsync(WorkItem.Accepted(
                        new TeamsSubmitWork(to, user!, activity.UserLocale, value, activity.ReplyToId, activity.Id ?? activity.ReplyToId) { UserName = UserName(activity) }, time), Source, ct))
                    : Results.Ok();

            case "message":
                var message = WorkItem.Accepted(new TeamsMessageWork(to, user!, activity.UserLocale, StripMention(activity), activity.Id ?? activity.ReplyToId) { UserName = UserName(activity) }, time);
                return WorkIntake.Ack(http, activity.Id is { } id
                    ? await intake.AcceptOnceAsync(message, $"teams:activity:{TeamsWorkHandler.ConversationKey(to)}:{id}", TimeSpan.FromHours(1), Source, ct)
                    : await intake.AcceptAsync(message, Source, ct));

            case "invoke" when activity.Name == CardActionInvoke:
                return await CardActionAsync(http, activity, to, user!, conversations, cards, intake, handler, time, ct);

            case "invoke":
                // Bot Framework's ActivityHandler answers 501 here; a 4xx says the same ("not this bot's") without
                // counting as a server failure in anyone's monitoring.
                return InvokeError(StatusCodes.Status400BadRequest, "NotSupported", $"This bot does not handle {activity.Name ?? "this"} invokes.", http: true);

            case "conversationUpdate" when activity.MembersAdded?.Any(m => m?.Id is { } member && member == activity.Recipient?.Id) == true:
            case "installationUpdate" when activity.Action is "add" or "add-upgrade":
                // Teams sends both on install: welcome once per conversation.
                return WorkIntake.Ack(http, await intake.AcceptOnceAsync(WorkItem.Accepted(new TeamsWelcomeWork(to, activity.UserLocale), time),
                    $"teams:welcome:{TeamsWorkHandler.ConversationKey(to)}", TimeSpan.FromMinutes(10), Source, ct));

            default:
                return Results.Ok();
        }
    }

    /// <summary>An Action.Execute click: answered within the invoke (the card it replaces), the next step in the background.</summary>
    private static async Task<IResult> CardActionAsync(
        HttpContext http, Activity activity, TeamsConversation to, string user, ConversationService conversations, CardRenderer cards,
        WorkIntake intake, TeamsWorkHandler handler, TimeProvider time, CancellationToken ct)
    {
        CardActionInvokeValue? invoke = null;
        try
        {
            invoke = activity.Value?.Deserialize(TeamsJson.Default.CardActionInvokeValue);
        }
        catch (JsonException)
        {
        }

        if (invoke?.Action is not { Type: "Action.Execute" } action)
        {
            return InvokeError(400, "BadRequest", "Expected an Action.Execute.");
        }

        var here = TeamsWorkHandler.Turn(to, TeamsWorkHandler.ConversationKey(to), user, activity.UserLocale) with { UserName = UserName(activity) };
        // The answer comes back in the invoke response: a draft or summary reaches only the user who clicked.
        if (ButtonValues.Read(action.Data)?.ApplyTo(here) is not { } turn)
        {
            return InvokeError(400, "BadRequest", "The action's data is not one of this bot's buttons.");
        }

        var outcome = await conversations.HandleTurnAsync(turn, ct);
        if (outcome.Answered is { } answered)
        {
            // The next step is already decided: queue its delivery (planned, so the worker only sends it).
            var plan = handler.Deliveries(to, turn, outcome, activity.Id ?? activity.ReplyToId, clickedId: null);
            if (await intake.AcceptAsync(WorkItem.Accepted(new TeamsSendWork(), time) with { Plan = plan }, Source, ct) is WorkIntake.Outcome.Unavailable)
            {
                return WorkIntake.Unavailable(http);
            }

            return InvokeCard(cards.Answered(CardChannel.Teams, answered.Question, answered.Value, outcome.MaskPhoneNumbers));
        }

        if (outcome.InThread)
        {
            // "Investigate", "Expected" on an alert: the alert stays as it is, what follows goes in its thread for everyone
            // there (the invoke's conversation is that thread); the clicker sees a one-line confirmation.
            var plan = handler.Deliveries(to, turn, outcome, replyToId: null, clickedId: null);
            if (await intake.AcceptAsync(WorkItem.Accepted(new TeamsSendWork(), time) with { Plan = plan }, Source, ct) is WorkIntake.Outcome.Unavailable)
            {
                return WorkIntake.Unavailable(http);
            }

            return InvokeMessage(CardRenderer.Summary(outcome.Reply, outcome.MaskPhoneNumbers));
        }

        return outcome switch
        {
            { ReplacesClicked: true } => InvokeCard(cards.Teams(outcome.Reply, outcome.MaskPhoneNumbers)),
            { Reply: MessageReply message } => InvokeMessage(message.Text),
            _ => InvokeCard(cards.Teams(outcome.Reply, outcome.MaskPhoneNumbers)),
        };
    }

    private static IResult InvokeCard(JsonObject card) =>
        Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = CardRenderer.ContentType, ["value"] = card });

    private static IResult InvokeMessage(string text) =>
        Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = ActivityMessageType, ["value"] = text });

    /// <summary>An invoke's error response; with <paramref name="http"/> the HTTP status says it too.</summary>
    private static IResult InvokeError(int status, string code, string message, bool http = false) =>
        Results.Json(new JsonObject
        {
            ["statusCode"] = status,
            ["type"] = ErrorType,
            ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
        }, statusCode: http ? status : StatusCodes.Status200OK);

    /// <summary>The user's display name, as far as a reply needs it ("muted by …"): at most 100 characters.</summary>
    private static string? UserName(Activity activity) => activity.From?.Name is { Length: > 100 } name ? name[..100] : activity.From?.Name;

    /// <summary>Removes the bot's own mention: entities of type mention whose id is the recipient (Bot Framework's RemoveMentionText).</summary>
    internal static string StripMention(Activity activity)
    {
        var text = activity.Text ?? "";
        var bot = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity is null || !string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) || entity.Mentioned?.Id != bot)
            {
                continue;
            }

            var mention = entity.Text ?? $"<at>{entity.Mentioned?.Name}</at>";
            text = Regex.Replace(text, Regex.Escape(mention), "", RegexOptions.IgnoreCase);
        }

        return text.Trim();
    }
}
