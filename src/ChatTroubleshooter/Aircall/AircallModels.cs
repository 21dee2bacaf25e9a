using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatTroubleshooter.Aircall;

// The parts of Aircall's Public API v1 payloads the bot reads (see docs: Call, Number, list "meta").

internal sealed record AircallCallEnvelope(AircallCall? Call);

internal sealed record AircallNumberEnvelope(AircallNumber? Number);

/// <summary>A webhook as <c>/v1/webhooks</c> shows it (its token only in the answer to its creation).</summary>
internal sealed record AircallWebhookInfo(string? WebhookId, string? CustomName, string? Url, bool? Active, string? Token, IReadOnlyList<string>? Events);

internal sealed record AircallWebhookEnvelope(AircallWebhookInfo? Webhook);

internal sealed record AircallWebhookList(IReadOnlyList<AircallWebhookInfo>? Webhooks);

internal sealed record AircallWebhookRequest(string CustomName, string Url, IReadOnlyList<string> Events);

internal sealed record AircallCallList(IReadOnlyList<AircallCall>? Calls, AircallMeta? Meta);

internal sealed record AircallMeta(int? Total, int? CurrentPage, int? PerPage, string? NextPageLink)
{
    /// <summary>Whether a page follows page <paramref name="page"/> (a next link, or items past it in the total).</summary>
    public bool HasMore(int page) => NextPageLink is not null || (Total is { } total && page * (PerPage ?? AircallClient.PageSize) < total);
}

internal sealed record AircallCall(
    long Id,
    string? Status,
    string? Direction,
    long? StartedAt,
    long? AnsweredAt,
    long? EndedAt,
    string? Recording,
    string? Asset,
    string? Voicemail,
    string? MissedCallReason,
    AircallNumber? Number,
    AircallUser? User)
{
    /// <summary>Aircall keeps no recording of a conversation under 5 s or over 4 h.</summary>
    public const int MinTalkSeconds = 5;
    public const int MaxTalkSeconds = 4 * 3600;

    /// <summary>Answered, 5 s to 4 h of conversation: a recording is expected (when recording is on).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ExpectsRecording => this is { AnsweredAt: { } answered, EndedAt: { } ended } && ended - answered is >= MinTalkSeconds and <= MaxTalkSeconds;
}

/// <param name="TimeZone">The number's time zone (IANA id, Aircall's <c>time_zone</c>): its alerts and audits show times in it.</param>
internal sealed record AircallNumber(long Id, string? Name, bool? LiveRecordingActivated, string? Country = null, string? Digits = null, string? TimeZone = null);

/// <param name="TimeZone">The user's time zone (IANA id): a user audit shows times in it.</param>
internal sealed record AircallUser(long Id, string? Name, string? Email = null, string? TimeZone = null);

internal sealed record AircallUserEnvelope(AircallUser? User);

internal sealed record AircallUserList(IReadOnlyList<AircallUser>? Users, AircallMeta? Meta);

internal sealed record AircallNumberList(IReadOnlyList<AircallNumber>? Numbers, AircallMeta? Meta);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(AircallCallEnvelope))]
[JsonSerializable(typeof(AircallNumberEnvelope))]
[JsonSerializable(typeof(AircallCallList))]
[JsonSerializable(typeof(AircallUserList))]
[JsonSerializable(typeof(AircallUserEnvelope))]
[JsonSerializable(typeof(AircallNumberList))]
[JsonSerializable(typeof(AircallWebhookEnvelope))]
[JsonSerializable(typeof(AircallWebhookList))]
[JsonSerializable(typeof(AircallWebhookRequest))]
internal sealed partial class AircallJson : JsonSerializerContext;

internal static class AircallJsonExtensions
{
    public static JsonSerializerOptions Options => AircallJson.Default.Options;
}
