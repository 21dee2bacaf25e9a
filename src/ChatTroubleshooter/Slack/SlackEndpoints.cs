using ChatTroubleshooter.Outbox;
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
        // One filter for the process (AddEndpointFilter<T> would build one per request, its signing key with it).
        var slack = app.MapGroup("/slack").WithMetadata(new RequestSizeLimitAttribute(limit)).AddEndpointFilter(app.ServiceProvider.GetRequiredService<SlackAuthentication>());
        slack.MapPost("/commands", CommandAsync);
        slack.MapPost("/events", EventAsync);
        slack.MapPost("/interactions", InteractionAsync);
        return app;
    }

    // An empty 200 is a silent ack; the answer follows through response_url.
    private static Task<IResult> CommandAsync(HttpContext http, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct) =>
        RespondAsync(http, inbound.Command(SlashCommand.From(new FormBody(SlackAuthentication.BodyOf(http).Memory))), intake, inbound, "Slack /slack/commands", ct);

    private static Task<IResult> EventAsync(HttpContext http, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct) =>
        RespondAsync(http, inbound.Event(SlackAuthentication.BodyOf(http).Span), intake, inbound, "Slack /slack/events", ct);

    private static async Task<IResult> InteractionAsync(HttpContext http, SlackInboundReader inbound, WorkIntake intake, CancellationToken ct) =>
        new FormBody(SlackAuthentication.BodyOf(http).Memory)["payload"] is { } json
            ? await RespondAsync(http, inbound.Interaction(System.Text.Encoding.UTF8.GetBytes(json)), intake, inbound, "Slack /slack/interactions", ct)
            : Results.BadRequest("An interaction needs a payload field.");

    /// <summary>The HTTP answer: 200 once the work is stored (503 when the store does not answer), the challenge, or a 400.</summary>
    private static async Task<IResult> RespondAsync(HttpContext http, SlackInbound inbound, WorkIntake intake, SlackInboundReader reader, string source, CancellationToken ct) =>
        inbound switch
        {
            SlackInbound.Challenge challenge => Results.Text(challenge.Value, "text/plain"),
            SlackInbound.Answer answer => Results.Json(answer.Body),
            SlackInbound.Refused refused => Results.BadRequest(refused.Reason),
            _ => await inbound.AcceptAsync(intake, reader.EventDedupeWindow, source, ct) is { } outcome ? WorkIntake.Ack(http, outcome) : Results.Ok(),
        };
}

/// <summary>
/// Slack's request signing, as the endpoints' filter: reads the raw body (Kestrel enforces the endpoint's size limit),
/// verifies its signature (constant time, ±5 minutes; refused without a secret) and leaves the verified body in the
/// request for the endpoint (<see cref="BodyOf"/>), returned to its pool once the endpoint answered. The slash command's
/// unsigned <c>ssl_check</c> ping is answered here.
/// </summary>
internal sealed class SlackAuthentication(IOptions<SlackOptions> options, TimeProvider time, RefusedRequestLog refused) : IEndpointFilter
{
    private static readonly object BodyKey = new();

    private readonly SlackSignature _signature = new(options.Value.SigningSecret, time);

    /// <summary>The request's verified body.</summary>
    public static RequestBody BodyOf(HttpContext http) =>
        http.Items[BodyKey] as RequestBody ?? throw new InvalidOperationException("The Slack endpoints run behind SlackAuthentication.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(http.Request, http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return Results.StatusCode(e.StatusCode);
        }

        using (body)
        {
            if (Verify(http, body) is { } failure)
            {
                return failure;
            }

            http.Items[BodyKey] = body;
            try
            {
                return await next(context);
            }
            finally
            {
                http.Items.Remove(BodyKey);
            }
        }
    }

    private IResult? Verify(HttpContext http, RequestBody body)
    {
        // Slack's ssl_check pings for slash commands are not signed; they carry nothing to act on.
        if (http.Request.Path.Value?.EndsWith("/commands", StringComparison.Ordinal) == true && body.Span.IndexOf("ssl_check=1"u8) >= 0
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
