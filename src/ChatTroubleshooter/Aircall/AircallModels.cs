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
    AircallUser? User,
    IReadOnlyList<AircallComment>? Comments = null)
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

/// <summary>A note on a call (<c>comments[]</c> of a call; <c>POST /v1/calls/:id/comments</c> adds one).</summary>
internal sealed record AircallComment(long? Id, string? Content, long? PostedAt);

internal sealed record AircallCommentRequest(string Content);

/// <summary>A tag of the company (<c>/v1/tags</c>), put on calls by id.</summary>
internal sealed record AircallTag(long Id, string? Name);

internal sealed record AircallTagList(IReadOnlyList<AircallTag>? Tags, AircallMeta? Meta);

internal sealed record AircallTagEnvelope(AircallTag? Tag);

internal sealed record AircallTagRequest(string Name, string Color, string Description);

/// <summary><c>POST /v1/calls/:id/tags</c>: the ids of the tags to add to the call.</summary>
internal sealed record AircallCallTagsRequest(IReadOnlyList<long> Tags);

/// <summary>
/// An Insight Card (<c>POST /v1/calls/:id/insight_cards</c>): shown in the agent's phone app during the call, as lines
/// of a title, short texts with a label, and links (developer.aircall.io, "Insight Cards").
/// </summary>
internal sealed record AircallInsightCard(IReadOnlyList<AircallInsightLine> Contents);

/// <param name="Type"><c>title</c>, <c>shortText</c> (with a <paramref name="Label"/>).</param>
internal sealed record AircallInsightLine(string Type, string Text, string? Label = null, string? Link = null)
{
    public static AircallInsightLine Title(string text, string? link = null) => new("title", text, Link: link);

    public static AircallInsightLine ShortText(string label, string text, string? link = null) => new("shortText", text, label, link);
}

internal sealed record AircallUserList(IReadOnlyList<AircallUser>? Users, AircallMeta? Meta);

internal sealed record AircallNumberList(IReadOnlyList<AircallNumber>? Numbers, AircallMeta? Meta);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AircallCallEnvelope))]
[JsonSerializable(typeof(AircallCommentRequest))]
[JsonSerializable(typeof(AircallTagList))]
[JsonSerializable(typeof(AircallTagEnvelope))]
[JsonSerializable(typeof(AircallTagRequest))]
[JsonSerializable(typeof(AircallCallTagsRequest))]
[JsonSerializable(typeof(AircallInsightCard))]
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
