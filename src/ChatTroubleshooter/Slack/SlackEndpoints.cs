using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Slack;

/// <summary>
/// Slack's three request URLs. Each reads the raw body (within the size limit), verifies its signature, parses it
/// once into a typed payload, queues the work and acknowledges at once (Slack wants a 2xx within 3 s); everything
/// slow happens in <see cref="SlackWorkHandler"/>. A payload it cannot read is a 400 with a short reason.
/// </summary>
public static class SlackEndpoints
{
    /// <summary>The slash command (the Slack manifest declares it).</summary>
    public const string Command = "/norecording";

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        var limit = app.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value.MaxBodyBytes;
        var slack = app.MapGroup("/slack").WithMetadata(new RequestSizeLimitAttribute(limit));
        slack.MapPost("/commands", CommandAsync);
        slack.MapPost("/events", EventAsync);
        slack.MapPost("/interactions", InteractionAsync);
        return app;
    }

    private static async Task<IResult> CommandAsync(HttpContext http, SlackRequestReader reader, WorkIntake intake, TimeProvider time, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: true, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        if (SlashCommand.From(new FormBody(request.Body.Memory)) is not { } command)
        {
            return Results.BadRequest("Not a slash command: command, user_id and channel_id (Slack ids) are required.");
        }

        // An empty 200 is a silent ack; the answer follows through response_url.
        return WorkIntake.Ack(http, await intake.AcceptAsync(WorkItem.Accepted(
            new SlackCommandWork(command.TeamId, command.ChannelId, command.UserId, command.Text, command.ResponseUrl), time), "Slack /slack/commands", ct));
    }

    private static async Task<IResult> EventAsync(
        HttpContext http, SlackRequestReader reader, WorkIntake intake, IOptions<SlackOptions> options, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        var envelope = SlackJson.Read(request.Body.Span, SlackJson.Default.SlackEnvelope, Handled, out var reason, out var ignored);
        if (envelope is null)
        {
            return ignored ? Results.Ok() : Results.BadRequest($"Not a Slack event: {reason}.");
        }

        switch (envelope.Type)
        {
            case "url_verification" when envelope.Challenge is { } challenge:
                return Results.Text(challenge, "text/plain");
            case "url_verification":
                return Results.BadRequest("A url_verification needs a challenge.");
            case "event_callback":
                break;
            default:
                return Results.Ok();
        }

        if (envelope is not { Event: { } e, EventId: { } eventId })
        {
            return Results.BadRequest("An event_callback needs event and event_id.");
        }

        var isMention = e.Type == "app_mention";
        // Only people's new messages: no bots (ours included), no edits, deletions, joins or other subtypes.
        if (!(isMention || e is { Type: "message", ChannelType: "im" })
            || e.Subtype is not null || e.BotId is not null || e.Edited is not null
            || e.User is not { } user || e.Channel is not { } channel)
        {
            return Results.Ok();
        }

        if (!SlackIds.AreIds(user, channel) || !SlackIds.IsOptionalId(envelope.TeamId) || !SlackIds.IsOptionalTs(e.Ts) || !SlackIds.IsOptionalTs(e.ThreadTs)
            || eventId.Length > 64)
        {
            return Results.BadRequest("An event's ids and timestamps must be Slack ids and timestamps.");
        }

        // Slack retries (X-Slack-Retry-Num) carry the same event_id: answer once.
        var id = $"slack:event:{eventId}";
        return WorkIntake.Ack(http, await intake.AcceptOnceAsync(new WorkItem(id, new SlackMessageWork(envelope.TeamId, channel, user, e.Text ?? "", e.Ts, e.ThreadTs, isMention)),
            id, options.Value.EventDedupeWindow, "Slack /slack/events", ct));
    }

    /// <summary>A name from a payload, kept short (Slack's display names are at most 80 characters).</summary>
    private static string? Shorten(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Length <= 80 ? name : name[..80];

    /// <summary>Event types the bot acts on; anything else gets its 200 even when the bot cannot read it.</summary>
    private static bool Handled(SlackTypes types) =>
        types.Type is "url_verification" || types is { Type: "event_callback", Event.Type: "app_mention" or "message" };

    private static async Task<IResult> InteractionAsync(HttpContext http, SlackRequestReader reader, WorkIntake intake, TimeProvider time, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        if (new FormBody(request.Body.Memory)["payload"] is not { } json)
        {
            return Results.BadRequest("An interaction needs a payload field.");
        }

        var payload = SlackJson.Read(System.Text.Encoding.UTF8.GetBytes(json), SlackJson.Default.SlackInteraction,
            types => types.Type == "block_actions", out var reason, out var ignored);
        if (payload is null)
        {
            return ignored ? Results.Ok() : Results.BadRequest($"Not a Slack interaction: {reason}.");
        }

        // Only clicks on our own buttons (their value is one of ours); anything else is acknowledged and ignored.
        if (payload is not { Type: "block_actions", Actions: [{ } action, ..], User.Id: { } user }
            || ButtonValues.Read(action.Value) is not { } value
            || (payload.Container?.ChannelId ?? payload.Channel?.Id) is not { } channel)
        {
            return Results.Ok();
        }

        if (!SlackIds.AreIds(user, channel) || !SlackIds.IsOptionalId(payload.Team?.Id)
            || !SlackIds.IsOptionalTs(payload.Container?.MessageTs) || !SlackIds.IsOptionalTs(payload.Message?.ThreadTs))
        {
            return Results.BadRequest("An interaction's ids and timestamps must be Slack ids and timestamps.");
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
        return WorkIntake.Ack(http, await intake.AcceptAsync(WorkItem.Accepted(click, time), "Slack /slack/interactions", ct));
    }
}

/// <summary>Reads a Slack request's raw body (Kestrel enforces the endpoint's size limit) and verifies its signature.</summary>
internal sealed class SlackRequestReader(IOptions<SlackOptions> options, TimeProvider time, RefusedRequestLog refused)
{
    private readonly SlackSignature _signature = new(options.Value.SigningSecret, time);

    /// <summary>The verified body (dispose it when done), or the answer for a request that failed.</summary>
    public sealed class SlackRequest(RequestBody? body, IResult? failure) : IDisposable
    {
        public RequestBody Body => body ?? throw new InvalidOperationException("A failed request has no body.");

        public IResult? Failure { get; } = failure;

        public void Dispose() => body?.Dispose();
    }

    public async Task<SlackRequest> ReadAsync(HttpContext http, bool allowSslCheck, CancellationToken ct)
    {
        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(http.Request, ct);
        }
        catch (BadHttpRequestException e)
        {
            return new(null, Results.StatusCode(e.StatusCode));
        }

        var failure = Verify(http, allowSslCheck, body);
        if (failure is not null)
        {
            body.Dispose();
            return new(null, failure);
        }

        return new(body, null);
    }

    private IResult? Verify(HttpContext http, bool allowSslCheck, RequestBody body)
    {
        // Slack's ssl_check pings for slash commands are not signed; they carry nothing to act on.
        if (allowSslCheck && body.Span.IndexOf("ssl_check=1"u8) >= 0
            && new FormBody(body.Memory)["ssl_check"] == "1")
        {
            return Results.Ok();
        }

        var result = _signature.Verify(
            http.Request.Headers["X-Slack-Request-Timestamp"].ToString(),
            http.Request.Headers["X-Slack-Signature"].ToString(),
            body.Span);
        if (result == SlackSignatureResult.Valid)
        {
            return null;
        }

        refused.Refused($"Slack {http.Request.Path}", result.ToString());
        return Results.Unauthorized();
    }
}
