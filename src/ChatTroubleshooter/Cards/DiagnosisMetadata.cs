using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Cards;

/// <summary>
/// A diagnosis as other tools read it (a stable contract, README "Machine-readable diagnoses"): on Slack the message's
/// <c>metadata</c> (<c>event_type</c> <see cref="EventType"/>, this as <c>event_payload</c>), on Teams an entity of the
/// activity (<c>type</c> <see cref="EventType"/> with these fields). Causes are the stable cause ids.
/// </summary>
/// <param name="CallId">The Aircall call, when the diagnosis is about one (left out otherwise: Slack's metadata takes no nulls).</param>
/// <param name="Kind"><c>confirmed</c>, <c>possible</c> or <c>none</c> (every cause ruled out).</param>
public sealed record DiagnosisMetadata(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallId,
    string DiagnosisId,
    string Kind,
    IReadOnlyList<string> ConfirmedCauses,
    IReadOnlyList<string> PossibleCauses,
    string Language)
{
    public const string EventType = "aircall_recording_diagnosis";

    /// <summary>The metadata of a diagnosis; null for any other reply.</summary>
    public static DiagnosisMetadata? Of(Reply reply) => reply is DiagnosisReply d
        ? new(d.CallId ?? d.Alert?.CallId, d.DiagnosisId, KindOf(d.Kind), d.ConfirmedCauseIds, d.PossibleCauseIds, d.Language)
        : null;

    /// <summary>
    /// A link's status as a Slack Work Object entity (<c>chat.unfurl</c>'s <c>metadata.entities[]</c>), the same fields as
    /// custom fields (the cause lists comma-separated): other apps read what the unfurl found. <c>kind</c> is
    /// <c>recorded</c> for a call that has its recording.
    /// </summary>
    public static JsonObject ToSlackEntity(CallStatusReply status, string sharedUrl)
    {
        var kind = status.Kind is { } found ? KindOf(found) : "recorded";
        JsonObject Field(string key, string value) => new() { ["key"] = key, ["label"] = key, ["type"] = "string", ["value"] = value };
        return new JsonObject
        {
            ["app_unfurl_url"] = sharedUrl,
            ["url"] = status.DashboardUrl,
            ["entity_type"] = "slack#/entities/item",
            ["external_ref"] = new JsonObject { ["id"] = status.CallId, ["type"] = "aircall_call" },
            ["entity_payload"] = new JsonObject
            {
                ["attributes"] = new JsonObject
                {
                    ["title"] = new JsonObject { ["text"] = status.Title },
                    ["display_id"] = status.CallId,
                    ["product_name"] = "Aircall",
                },
                ["custom_fields"] = new JsonArray(
                    Field("event_type", EventType),
                    Field("call_id", status.CallId),
                    Field("kind", kind),
                    Field("confirmed_causes", string.Join(',', status.ConfirmedCauses)),
                    Field("possible_causes", string.Join(',', status.PossibleCauses)),
                    Field("language", status.Language)),
            },
        };
    }

    /// <summary>Its fields as a JSON object (snake_case), for a Slack <c>event_payload</c> or a Teams entity.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, DiagnosisMetadataJson.Default.DiagnosisMetadata)!.AsObject();

    /// <summary>Slack's message <c>metadata</c>: the event type and this as its payload.</summary>
    public JsonObject ToSlackMetadata() => new() { ["event_type"] = EventType, ["event_payload"] = ToJson() };

    /// <summary>A Teams activity's entity: the event type as its <c>type</c>, with these fields.</summary>
    public JsonObject ToTeamsEntity()
    {
        var entity = new JsonObject { ["type"] = EventType };
        foreach (var (name, value) in ToJson())
        {
            entity[name] = value?.DeepClone();
        }

        return entity;
    }

    private static string KindOf(DiagnosisKind kind) => kind switch
    {
        DiagnosisKind.Confirmed => "confirmed",
        DiagnosisKind.Possible => "possible",
        _ => "none",
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DiagnosisMetadata))]
internal sealed partial class DiagnosisMetadataJson : JsonSerializerContext;
