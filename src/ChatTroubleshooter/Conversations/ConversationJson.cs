using System.Text.Json;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// A conversation as the durable stores keep it: source-generated JSON of <see cref="Conversation"/> itself, in the shape
/// stored since the first durable store (facts keep their value in wire form, source and evidence; times in UNIX
/// milliseconds; sets sorted). <see cref="Conversation.Version"/> is the store's, not part of the JSON.
/// </summary>
public static class ConversationJson
{
    public static string Serialize(Conversation conversation) => JsonSerializer.Serialize(conversation, ConversationStoreJson.Default.Conversation);

    /// <exception cref="JsonException">The JSON is not a conversation.</exception>
    public static Conversation Deserialize(string json, long version) =>
        (JsonSerializer.Deserialize(json, ConversationStoreJson.Default.Conversation) ?? throw new JsonException("A stored conversation is null.")) with
        {
            Version = version,
        };
}

/// <summary>A fact as stored: its value in wire form, its source's name, its evidence's key and arguments.</summary>
internal sealed record StoredFact(string Id, string Value, string Source, string Evidence, Dictionary<string, string?> Args);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(List<StoredFact>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class ConversationStoreJson : JsonSerializerContext;

/// <summary>A <see cref="FactSet"/> as the array of its facts (<see cref="StoredFact"/>).</summary>
internal sealed class FactSetJsonConverter : JsonConverter<FactSet>
{
    public override FactSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var stored = JsonSerializer.Deserialize(ref reader, ConversationStoreJson.Default.ListStoredFact) ?? [];
        return FactSet.From(stored.Select(f => new Fact(
            f.Id,
            FactValue.TryParse(f.Value, out var value) ? value : throw new JsonException($"Bad fact value {f.Value}."),
            Enum.TryParse<FactSource>(f.Source, out var source) ? source : throw new JsonException($"Bad fact source {f.Source}."),
            new Evidence(f.Evidence, f.Args.ToDictionary(a => a.Key, a => a.Value ?? "", StringComparer.Ordinal)))));
    }

    public override void Write(Utf8JsonWriter writer, FactSet value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, [.. value.Select(f => new StoredFact(f.Id, f.Value.ToWire(), f.Source.ToString(), f.Evidence.Key,
            f.Evidence.Args.ToDictionary(a => a.Key, a => (string?)a.Value, StringComparer.Ordinal)))], ConversationStoreJson.Default.ListStoredFact);
}

/// <summary>A set of ids as a sorted array (ordinal), read back as an ordinal set.</summary>
internal sealed class OrdinalSetJsonConverter : JsonConverter<IReadOnlySet<string>>
{
    public override IReadOnlySet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (JsonSerializer.Deserialize(ref reader, ConversationStoreJson.Default.ListString) ?? []).ToHashSet(StringComparer.Ordinal);

    public override void Write(Utf8JsonWriter writer, IReadOnlySet<string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, [.. value.Order(StringComparer.Ordinal)], ConversationStoreJson.Default.ListString);
}

/// <summary>A moment as UNIX milliseconds.</summary>
internal sealed class UnixMillisecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteNumberValue(value.ToUnixTimeMilliseconds());
}
