using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Outbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Alerts;

/// <summary>An Aircall webhook's envelope (developer.aircall.io, Webhooks): read once at the edge.</summary>
internal sealed record AircallWebhook(string? Resource, string? Event, long? Timestamp, string? Token, JsonElement? Data);

/// <summary>The <c>data</c> of a <c>number.*</c> event: the number, of which only the id matters here.</summary>
internal sealed record AircallWebhookNumber(long Id);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(AircallWebhook))]
[JsonSerializable(typeof(AircallWebhookNumber))]
internal sealed partial class AircallWebhookJson : JsonSerializerContext;

/// <summary>
/// <c>POST /aircall/webhooks</c>. Aircall signs nothing: the envelope carries the webhook's token, compared in constant
/// time with each of <c>Aircall__WebhookTokens__N</c> (none configured: everything is refused). The event becomes
/// typed work stored once per call, then 200 (Aircall waits 5 s and disables a webhook that keeps failing). Events come
/// at least once and in any order: whatever arrives first for a call plans its one check, the rest are duplicates.
/// </summary>
public static class AircallWebhooks
{
    public const string Route = "/aircall/webhooks";
    public const string CallAnswered = "call.answered";
    public const string CallEnded = "call.ended";
    public const string AssetsGenerated = "call.comm_assets_generated";
    public const string NumberDeleted = "number.deleted";

    /// <summary>How long a call's check is remembered: a retry of its events within this is a duplicate.</summary>
    internal static readonly TimeSpan CheckWindow = TimeSpan.FromDays(7);

    private const string Source = "Aircall /aircall/webhooks";

    /// <summary>9999-12-31T23:59:59Z, the last second a <see cref="DateTimeOffset"/> holds.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    public static IEndpointRouteBuilder MapAircallWebhooks(this IEndpointRouteBuilder app)
    {
        // A call is a few KB; 64 KB leaves room for participants and tags.
        app.MapPost(Route, ReceiveAsync).WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http, IOptions<AircallOptions> aircall, IOptions<AlertsOptions> alerts, WorkIntake intake, RefusedRequestLog refused,
        TimeProvider time, CancellationToken ct)
    {
        var tokens = aircall.Value.WebhookTokens.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tokens.Count == 0)
        {
            refused.Refused(Source, "no Aircall__WebhookTokens are configured");
            return Results.Unauthorized();
        }

        var (webhook, unreadable) = await RequestBody.ReadJsonAsync(http.Request, AircallWebhookJson.Default.AircallWebhook, "Not an Aircall webhook", ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (!IsOneOf(webhook?.Token, tokens))
        {
            refused.Refused(Source, webhook?.Token is null ? "no token" : "unknown token");
            return Results.Unauthorized();
        }

        if (webhook is not { Event: { } name, Data: { ValueKind: JsonValueKind.Object } data })
        {
            return Results.BadRequest("An Aircall webhook needs event and data.");
        }

        switch (name)
        {
            case CallEnded or AssetsGenerated:
            {
                if (Read(data, AircallJson.Default.AircallCall) is not { Id: > 0 } call)
                {
                    return Results.BadRequest("A call event's data must be a call with an id.");
                }

                if (!AlertPolicy.NeedsCheck(call, alerts.Value))
                {
                    return Results.Ok();
                }

                // One check per call: call.ended waits for the recording (the grace delay); the assets event checks now.
                var key = AlertCheckWork.KeyOf(call.Id);
                var item = new WorkItem(key, new AlertCheckWork(call.Id))
                {
                    NotBefore = name == CallEnded ? time.GetUtcNow() + alerts.Value.AssetsGrace : null,
                };
                return WorkIntake.Ack(http, await intake.AcceptOnceAsync(item, key, CheckWindow, Source, ct));
            }

            case CallAnswered:
            {
                if (Read(data, AircallJson.Default.AircallCall) is not { Id: > 0 } call)
                {
                    return Results.BadRequest("A call event's data must be a call with an id.");
                }

                if (!alerts.Value.InCallWarnings)
                {
                    return Results.Ok();
                }

                // One warning per call: duplicates and retries of the event (even across a restart) are the same key. An
                // event without the call's number or direction (Aircall's documented samples show "number": {}) has the
                // worker read the call.
                var key = InCallWarningWork.KeyOf(call.Id);
                var complete = call is { Number.Id: > 0, Direction: "inbound" or "outbound" };
                var work = new InCallWarningWork(call.Id, complete ? call.Direction : null, complete ? call.Number!.Id : null, call.Number?.Name, call.AnsweredAt);
                return WorkIntake.Ack(http, await intake.AcceptOnceAsync(new WorkItem(key, work), key, CheckWindow, Source, ct));
            }

            case NumberDeleted:
            {
                if (Read(data, AircallWebhookJson.Default.AircallWebhookNumber) is not { Id: > 0 } number)
                {
                    return Results.BadRequest("A number event's data must be a number with an id.");
                }

                // When the payload was built (UNIX seconds); one that is no date at all stands for "now".
                var at = webhook.Timestamp is { } ts and >= 0 and <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(ts) : time.GetUtcNow();
                var key = $"aircall:number-deleted:{number.Id}";
                return WorkIntake.Ack(http, await intake.AcceptOnceAsync(new WorkItem(key, new NumberDeletedWork(number.Id, at)), key, CheckWindow, Source, ct));
            }

            default:
                // Other events of the webhook (a user's own selection in Aircall): acknowledged, nothing to do.
                return Results.Ok();
        }
    }

    private static T? Read<T>(JsonElement data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return data.Deserialize(type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Constant time: both sides are hashed first (equal lengths whatever was sent), and every configured token is
    /// compared, so the time says neither which token nor how much of it matched.
    /// </summary>
    internal static bool IsOneOf(string? token, IReadOnlyList<string> tokens)
    {
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(token ?? ""));
        var match = false;
        foreach (var known in tokens)
        {
            match |= CryptographicOperations.FixedTimeEquals(sent, SHA256.HashData(Encoding.UTF8.GetBytes(known)));
        }

        return match && token is not null;
    }
}

/// <summary>Which calls are worth a check: those that should have a recording and, in the event's data, have none.</summary>
internal static class AlertPolicy
{
    public static bool NeedsCheck(AircallCall call, AlertsOptions options) =>
        string.IsNullOrEmpty(call.Recording) && (options.IncludeExpected || call.ExpectsRecording);
}
