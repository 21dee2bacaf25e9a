using System.Text.Json.Nodes;
using ChatTroubleshooter.Diagnostics.Facts;

using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Storage;

/// <summary>A conversation as JSON, for durable stores: facts keep their value (wire form), source and evidence.</summary>
internal static class ConversationJson
{
    public static string Serialize(Conversation c) => new JsonObject
    {
        ["key"] = c.Key,
        ["id"] = c.Id,
        ["language"] = c.Language,
        ["facts"] = new JsonArray(c.Facts.Select(f => (JsonNode)new JsonObject
        {
            ["id"] = f.Id,
            ["value"] = f.Value.ToWire(),
            ["source"] = f.Source.ToString(),
            ["evidence"] = f.Evidence.Key,
            ["args"] = new JsonObject(f.Evidence.Args.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
        }).ToArray()),
        ["settled"] = new JsonArray(c.Settled.Order(StringComparer.Ordinal).Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        ["hints"] = new JsonArray(c.Hints.Order(StringComparer.Ordinal).Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        ["updatedAt"] = c.UpdatedAt.ToUnixTimeMilliseconds(),
        ["pending"] = c.PendingFactId,
        ["questions"] = c.QuestionsAsked,
        ["callId"] = c.CallId,
        ["diagnosisId"] = c.DiagnosisId,
        ["input"] = c.Input,
        ["lastTurnId"] = c.LastTurnId,
        ["lastTurnResult"] = c.LastTurnResult,
        ["closed"] = c.Closed,
        ["country"] = c.Country,
    }.ToJsonString();

    public static Conversation Deserialize(string json, long version)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var facts = o["facts"]!.AsArray().Select(f => new Fact(
            (string)f!["id"]!,
            FactValue.TryParse((string?)f["value"], out var v) ? v : throw new FormatException($"Bad fact value {f["value"]}."),
            Enum.Parse<FactSource>((string)f["source"]!),
            new Evidence((string)f["evidence"]!, f["args"]!.AsObject().ToDictionary(a => a.Key, a => (string?)a.Value ?? "", StringComparer.Ordinal))));
        return new Conversation(
            (string)o["key"]!,
            (string)o["id"]!,
            (string)o["language"]!,
            FactSet.From(facts),
            o["settled"]!.AsArray().Select(s => (string)s!).ToHashSet(StringComparer.Ordinal),
            DateTimeOffset.FromUnixTimeMilliseconds((long)o["updatedAt"]!))
        {
            PendingFactId = (string?)o["pending"],
            QuestionsAsked = (int)o["questions"]!,
            // Absent from conversations stored before hints existed.
            Hints = o["hints"]?.AsArray().Select(s => (string)s!).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>(StringComparer.Ordinal),
            CallId = (string?)o["callId"],
            DiagnosisId = (string?)o["diagnosisId"],
            Input = (string?)o["input"],
            LastTurnId = (string?)o["lastTurnId"],
            LastTurnResult = (string?)o["lastTurnResult"],
            Closed = (bool?)o["closed"] ?? false,
            Country = (string?)o["country"],
            Version = version,
        };
    }
}
