using System.Text.Json;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// Slack's three request URLs. Each verifies the signature over the raw body, parses, queues the work and
/// acknowledges at once (Slack wants a 2xx within 3 s); everything slow happens in <see cref="SlackWorkHandler"/>.
/// </summary>
public static class SlackEndpoints
{
    public const string Command = "/norecording";
    public const string AnswerAction = "answer";
    public const string FeedbackAction = "feedback";
    public const string EscalateAction = "escalate";

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack");
        slack.MapPost("/commands", CommandAsync);
        slack.MapPost("/events", EventAsync);
        slack.MapPost("/interactions", InteractionAsync);
        return app;
    }

    private static async Task<IResult> CommandAsync(HttpContext http, SlackRequestReader reader, IWorkQueue queue, CancellationToken ct)
    {
        var request = await reader.ReadAsync(http, allowSslCheck: true, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        var form = new FormBody(request.Body);
        if (form["ssl_check"] == "1")
        {
            return Results.Ok();
        }

        if (form["command"] is not { } command || form["user_id"] is not { } user || form["channel_id"] is not { } channel)
        {
            return Results.BadRequest("Not a slash command.");
        }

        await queue.EnqueueAsync(Work(SlackWorkHandler.CommandKind, new JsonObject
        {
            ["team"] = form["team_id"],
            ["channel"] = channel,
            ["user"] = user,
            ["command"] = command,
            ["text"] = form["text"] ?? "",
            ["responseUrl"] = form["response_url"],
        }), ct);

        // An empty 200 is a silent ack; the answer follows through response_url.
        return Results.Ok();
    }

    private static async Task<IResult> EventAsync(
        HttpContext http, SlackRequestReader reader, IWorkQueue queue, IEventDeduplicator dedupe, IOptions<SlackOptions> options, CancellationToken ct)
    {
        var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(request.Body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Results.BadRequest("Malformed JSON.");
        }

        switch ((string?)envelope["type"])
        {
            case "url_verification":
                return Results.Text((string?)envelope["challenge"] ?? "", "text/plain");
            case "event_callback":
                break;
            default:
                return Results.Ok();
        }

        if (envelope["event"] is not JsonObject inner || (string?)envelope["event_id"] is not { } eventId)
        {
            return Results.BadRequest("An event_callback needs event and event_id.");
        }

        var kind = (string?)inner["type"] switch
        {
            "app_mention" => SlackWorkHandler.MentionKind,
            "message" when (string?)inner["channel_type"] == "im" => SlackWorkHandler.DirectMessageKind,
            _ => null,
        };

        // Only people's new messages: no bots (ours included), no edits, deletions, joins or other subtypes.
        if (kind is null || inner["subtype"] is not null || inner["bot_id"] is not null || inner["edited"] is not null
            || (string?)inner["user"] is not { } user || (string?)inner["channel"] is not { } channel)
        {
            return Results.Ok();
        }

        // Slack retries (X-Slack-Retry-Num) carry the same event_id: answer once.
        if (!await dedupe.TryFirstAsync($"slack:event:{eventId}", options.Value.EventDedupeWindow, ct))
        {
            return Results.Ok();
        }

        await queue.EnqueueAsync(Work(kind, new JsonObject
        {
            ["team"] = (string?)envelope["team_id"],
            ["channel"] = channel,
            ["user"] = user,
            ["text"] = (string?)inner["text"] ?? "",
            ["ts"] = (string?)inner["ts"],
            ["threadTs"] = (string?)inner["thread_ts"],
            ["eventId"] = eventId,
        }, id: $"slack:event:{eventId}"), ct);
        return Results.Ok();
    }

    private static async Task<IResult> InteractionAsync(HttpContext http, SlackRequestReader reader, IWorkQueue queue, CancellationToken ct)
    {
        var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(new FormBody(request.Body)["payload"] ?? "") as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Results.BadRequest("Malformed payload.");
        }

        if ((string?)payload["type"] != "block_actions" || payload["actions"] is not JsonArray { Count: > 0 } actions
            || actions[0] is not JsonObject action || (string?)action["action_id"] is not { } actionId)
        {
            return Results.Ok();
        }

        var name = actionId.Split(':')[0];
        if (name is not (AnswerAction or FeedbackAction or EscalateAction))
        {
            return Results.Ok();
        }

        var container = payload["container"] as JsonObject;
        await queue.EnqueueAsync(Work(SlackWorkHandler.ActionKind, new JsonObject
        {
            ["action"] = name,
            ["actionId"] = actionId,
            ["value"] = (string?)action["value"],
            ["team"] = (string?)payload["team"]?["id"],
            ["user"] = (string?)payload["user"]?["id"],
            ["channel"] = (string?)container?["channel_id"] ?? (string?)payload["channel"]?["id"],
            ["messageTs"] = (string?)container?["message_ts"],
            ["threadTs"] = (string?)payload["message"]?["thread_ts"],
            ["isEphemeral"] = (bool?)container?["is_ephemeral"] ?? false,
            ["responseUrl"] = (string?)payload["response_url"],
        }), ct);
        return Results.Ok();
    }

    private static WorkItem Work(string kind, JsonObject payload, string? id = null) =>
        new(id ?? WorkItem.NewId(SlackWorkHandler.ChannelName), SlackWorkHandler.ChannelName, kind, payload);
}

/// <summary>Reads a Slack request's raw body within the size limit and verifies its signature.</summary>
internal sealed class SlackRequestReader(IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackRequestReader> logger)
{
    private readonly SlackSignature _signature = new(options.Value.SigningSecret, time);

    public readonly record struct SlackRequest(byte[] Body, IResult? Failure);

    public async Task<SlackRequest> ReadAsync(HttpContext http, bool allowSslCheck, CancellationToken ct)
    {
        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return new([], Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        // Read into a pooled buffer: no per-request 16 KB allocation on the hot path.
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Max(1024, Math.Min(max + 1L, (http.Request.ContentLength ?? 4096) + 1)));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == rented.Length)
                {
                    if (rented.Length > max)
                    {
                        return new([], Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
                    }

                    var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, Math.Max(1024, rented.Length * 2)));
                    rented.AsSpan(0, length).CopyTo(bigger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                    rented = bigger;
                }

                var read = await http.Request.Body.ReadAsync(rented.AsMemory(length), ct);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > max)
                {
                    return new([], Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
                }
            }

            var body = rented.AsSpan(0, length).ToArray();
            return Verify(http, allowSslCheck, body);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private SlackRequest Verify(HttpContext http, bool allowSslCheck, byte[] body)
    {
        // Slack's ssl_check pings for slash commands are not signed; they carry nothing to act on.
        if (allowSslCheck && body.AsSpan().IndexOf("ssl_check=1"u8) >= 0
            && new FormBody(body)["ssl_check"] == "1")
        {
            return new(body, Results.Ok());
        }

        var result = _signature.Verify(
            http.Request.Headers["X-Slack-Request-Timestamp"].ToString(),
            http.Request.Headers["X-Slack-Signature"].ToString(),
            body);
        if (result == SlackSignatureResult.Valid)
        {
            return new(body, null);
        }

        logger.LogWarning("Refused a Slack request to {Path}: {Reason}.", http.Request.Path, result);
        return new([], Results.Unauthorized());
    }
}
