using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ChatTroubleshooter.Http;

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

    private static async Task<IResult> CommandAsync(HttpContext http, SlackRequestReader reader, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: true, ct);
        // An empty 200 is a silent ack; the answer follows through response_url.
        return request.Failure ?? await RespondAsync(http, inbound.Command(SlashCommand.From(new FormBody(request.Body.Memory))), intake, inbound, "Slack /slack/commands", ct);
    }

    private static async Task<IResult> EventAsync(HttpContext http, SlackRequestReader reader, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        return request.Failure ?? await RespondAsync(http, inbound.Event(request.Body.Span), intake, inbound, "Slack /slack/events", ct);
    }

    private static async Task<IResult> InteractionAsync(HttpContext http, SlackRequestReader reader, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct)
    {
        using var request = await reader.ReadAsync(http, allowSslCheck: false, ct);
        if (request.Failure is { } failure)
        {
            return failure;
        }

        return new FormBody(request.Body.Memory)["payload"] is { } json
            ? await RespondAsync(http, inbound.Interaction(System.Text.Encoding.UTF8.GetBytes(json)), intake, inbound, "Slack /slack/interactions", ct)
            : Results.BadRequest("An interaction needs a payload field.");
    }

    /// <summary>The HTTP answer: 200 once the work is stored (503 when the store does not answer), the challenge, or a 400.</summary>
    private static async Task<IResult> RespondAsync(HttpContext http, SlackInbound inbound, WorkIntake intake, SlackInboundReader reader, string source, CancellationToken ct) =>
        inbound switch
        {
            SlackInbound.Challenge challenge => Results.Text(challenge.Value, "text/plain"),
            SlackInbound.Refused refused => Results.BadRequest(refused.Reason),
            _ => await inbound.AcceptAsync(intake, reader.EventDedupeWindow, source, ct) is { } outcome ? WorkIntake.Ack(http, outcome) : Results.Ok(),
        };
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
