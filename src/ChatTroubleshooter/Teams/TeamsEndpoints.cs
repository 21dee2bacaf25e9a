using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// <c>POST /api/messages</c>, the Bot Framework Activity endpoint. Authenticate → parse → hand the turn to the
/// conversation core (in the background, except a card click, which is answered within the invoke) → render.
/// </summary>
public static partial class TeamsEndpoints
{
    public const string Route = "/api/messages";
    public const string CardActionInvoke = "adaptiveCard/action";
    public const string AnswerVerb = "answer";
    public const string FeedbackVerb = "feedback";
    public const string ActivityMessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, MessagesAsync);
        return app;
    }

    private static async Task<IResult> MessagesAsync(
        HttpContext http,
        TeamsAuthenticator auth,
        IOptions<TeamsOptions> options,
        IWorkQueue queue,
        IEventDeduplicator dedupe,
        ConversationService conversations,
        CardRenderer cards,
        Diagnostics.Knowledge knowledge,
        TeamsWorkHandler handler,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(TeamsEndpoints));
        if (http.Request.ContentLength > options.Value.MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        JsonObject activity;
        try
        {
            activity = await JsonNode.ParseAsync(new LimitedStream(http.Request.Body, options.Value.MaxBodyBytes), cancellationToken: ct) as JsonObject
                ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Results.BadRequest("Malformed activity.");
        }
        catch (InvalidDataException)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (Str(activity, "type") is not { } type)
        {
            return Results.BadRequest("An activity needs a type.");
        }

        var serviceUrl = Str(activity, "serviceUrl");
        if (!options.Value.IsAnonymous)
        {
            var failure = await auth.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), serviceUrl, Str(activity, "channelId"), ct);
            if (failure is not null)
            {
                logger.LogWarning("Refused a Bot Connector request: {Reason}.", failure);
                return Results.Unauthorized();
            }
        }

        var conversationId = Str(activity["conversation"], "id");
        var user = Str(activity["from"], "id");
        if (type is "message" or "invoke" && (serviceUrl is null || conversationId is null || user is null))
        {
            return Results.BadRequest("A message or invoke needs serviceUrl, conversation.id and from.id.");
        }

        var locale = Locale(activity);
        var common = new JsonObject
        {
            ["serviceUrl"] = serviceUrl,
            ["conversationId"] = conversationId,
            ["user"] = user,
            ["locale"] = locale,
            ["activityId"] = Str(activity, "id"),
            ["replyToId"] = Str(activity, "replyToId"),
            ["conversationType"] = Str(activity["conversation"], "conversationType"),
        };

        switch (type)
        {
            case "message" when activity["value"] is JsonObject value && string.IsNullOrWhiteSpace(Str(activity, "text")):
                // Action.Submit (the fallback of our Action.Execute buttons): value = the button's data.
                common["value"] = value.DeepClone();
                await queue.EnqueueAsync(Work(TeamsWorkHandler.SubmitKind, common), ct);
                return Results.Ok();

            case "message":
                if (Str(activity, "id") is { } id && !await dedupe.TryFirstAsync($"teams:activity:{conversationId}:{id}", TimeSpan.FromHours(1), ct))
                {
                    return Results.Ok();
                }

                common["text"] = StripMention(activity);
                await queue.EnqueueAsync(Work(TeamsWorkHandler.MessageKind, common), ct);
                return Results.Ok();

            case "invoke" when Str(activity, "name") == CardActionInvoke:
                return await CardActionAsync(activity, common, conversations, cards, knowledge, queue, handler, ct);

            case "invoke":
                return Results.StatusCode(StatusCodes.Status501NotImplemented);

            case "conversationUpdate" when activity["membersAdded"] is JsonArray added
                && added.Any(m => Str(m, "id") is { } member && member == Str(activity["recipient"], "id")):
            case "installationUpdate" when Str(activity, "action") is "add" or "add-upgrade":
                // Teams sends both on install: welcome once per conversation.
                if (serviceUrl is not null && conversationId is not null
                    && await dedupe.TryFirstAsync($"teams:welcome:{conversationId}", TimeSpan.FromMinutes(10), ct))
                {
                    await queue.EnqueueAsync(Work(TeamsWorkHandler.WelcomeKind, common), ct);
                }

                return Results.Ok();

            default:
                return Results.Ok();
        }
    }

    /// <summary>An Action.Execute click: answered within the invoke (the read-only card), the next step in the background.</summary>
    private static async Task<IResult> CardActionAsync(
        JsonObject activity, JsonObject common, ConversationService conversations, CardRenderer cards,
        Diagnostics.Knowledge knowledge, IWorkQueue queue, TeamsWorkHandler handler, CancellationToken ct)
    {
        var action = activity["value"]?["action"] as JsonObject;
        if (action is null || Str(action, "type") != "Action.Execute" || action["data"] is not JsonObject data)
        {
            return InvokeError(400, "BadRequest", "Expected an Action.Execute with data.");
        }

        var language = Languages.FromLocale((string?)common["locale"]) ?? Languages.Default;
        switch (Str(action, "verb"))
        {
            case AnswerVerb:
            {
                if (Answer(data) is not { } answer)
                {
                    return InvokeError(400, "BadRequest", "The answer data is incomplete.");
                }

                var result = await conversations.HandleTurnAsync(new Turn(answer.Key, (string)common["user"]!, (string?)common["locale"]) { Answer = answer.Answer }, ct);
                if (result.Answered is not { } answered)
                {
                    return InvokeMessage(result.Reply is MessageReply m ? m.Text : knowledge.Texts.Get(language, TextKeys.ErrorGeneric));
                }

                // The next step is already decided: queue its delivery (planned, so the worker only sends it).
                common["key"] = answer.Key;
                common[WorkProcessor.PlanKey] = handler.Deliveries(common, answer.Key, result.Reply, (string?)common["activityId"]);
                await queue.EnqueueAsync(Work(TeamsWorkHandler.SendKind, common), ct);
                return Results.Json(new JsonObject
                {
                    ["statusCode"] = 200,
                    ["type"] = CardRenderer.ContentType,
                    ["value"] = cards.Answered(CardChannel.Teams, answered.Question, answered.Value),
                });
            }

            case FeedbackVerb:
            {
                // Stored once per user; the card is replaced by the diagnosis with a thank-you (and the escalation when not solved).
                if (Str(data, "diagnosisId") is not { } diagnosisId)
                {
                    return InvokeError(400, "BadRequest", "The feedback data is incomplete.");
                }

                var helpful = data["helpful"] is JsonValue h && h.TryGetValue<bool>(out var b) && b;
                var reply = await conversations.FeedbackAsync(diagnosisId, (string)common["user"]!, helpful, TeamsWorkHandler.ChannelName, ct);
                return reply is null
                    ? InvokeMessage(knowledge.Texts.Get(language, TextKeys.ErrorExpired))
                    : Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = CardRenderer.ContentType, ["value"] = cards.Teams(reply) });
            }

            default:
                return InvokeError(400, "NotSupported", "Unknown verb.");
        }
    }

    internal static (string Key, Answer Answer)? Answer(JsonObject data) =>
        Str(data, "conversationKey") is { } key && Str(data, "conversationId") is { } id
        && Str(data, "factId") is { } fact && Str(data, "value") is { } value
            ? (key, new Answer(id, fact, value))
            : null;

    private static IResult InvokeMessage(string text) =>
        Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = ActivityMessageType, ["value"] = text });

    private static IResult InvokeError(int status, string code, string message) =>
        Results.Json(new JsonObject
        {
            ["statusCode"] = status,
            ["type"] = ErrorType,
            ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
        });

    /// <summary>activity.locale, else the clientInfo entity's locale.</summary>
    private static string? Locale(JsonObject activity) =>
        Str(activity, "locale")
        ?? (activity["entities"] as JsonArray)?.OfType<JsonObject>().Where(e => Str(e, "type") == "clientInfo").Select(e => Str(e, "locale")).FirstOrDefault();

    /// <summary>Removes the bot's own mention: entities of type mention whose id is the recipient (Bot Framework's RemoveMentionText).</summary>
    internal static string StripMention(JsonObject activity)
    {
        var text = Str(activity, "text") ?? "";
        var bot = Str(activity["recipient"], "id");
        foreach (var entity in (activity["entities"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!string.Equals(Str(entity, "type"), "mention", StringComparison.OrdinalIgnoreCase) || Str(entity["mentioned"], "id") != bot)
            {
                continue;
            }

            var mention = Str(entity, "text") ?? $"<at>{Str(entity["mentioned"], "name")}</at>";
            text = Regex.Replace(text, Regex.Escape(mention), "", RegexOptions.IgnoreCase);
        }

        return text.Trim();
    }

    internal static string? Str(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static WorkItem Work(string kind, JsonObject payload) =>
        new(WorkItem.NewId(TeamsWorkHandler.ChannelName), TeamsWorkHandler.ChannelName, kind, payload);

    /// <summary>Reads at most <c>limit</c> bytes; more is an error (413), never a half-read activity.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            _read += n;
            return _read > limit ? throw new InvalidDataException("Body over the limit.") : n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
