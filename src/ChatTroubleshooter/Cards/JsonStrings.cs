using System.Text.Json.Nodes;

namespace ChatTroubleshooter.Cards;

/// <summary>Maps every string value of a JSON document (a copy; the input is left as it is).</summary>
internal static class JsonStrings
{
    /// <param name="node">The document.</param>
    /// <param name="map">The new value of each string.</param>
    /// <param name="skip">Property names whose values are copied unchanged (e.g. button values).</param>
    public static JsonNode? Map(JsonNode? node, Func<string, string> map, IReadOnlySet<string>? skip = null) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key,
            skip?.Contains(p.Key) == true ? p.Value?.DeepClone() : Map(p.Value, map, skip)))),
        JsonArray array => new JsonArray(array.Select(item => Map(item, map, skip)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(map(text)),
        _ => node?.DeepClone(),
    };
}
