using System.Text.Json.Serialization;
using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Conversations;

/// <summary>The state of one troubleshooting conversation between turns.</summary>
public sealed record Conversation(
    string Key,
    string Id,
    string Language,
    [property: JsonConverter(typeof(FactSetJsonConverter))] FactSet Facts,
    [property: JsonConverter(typeof(OrdinalSetJsonConverter))] IReadOnlySet<string> Settled,
    [property: JsonConverter(typeof(UnixMillisecondsJsonConverter))] DateTimeOffset UpdatedAt)
{
    /// <summary>The fact the last question asked about, while waiting for the answer.</summary>
    [JsonPropertyName("pending")]
    public string? PendingFactId { get; init; }

    [JsonPropertyName("questions")]
    public int QuestionsAsked { get; init; }

    /// <summary>Facts the user mentioned without stating them (a guess, a question): asked first.</summary>
    [JsonConverter(typeof(OrdinalSetJsonConverter))]
    public IReadOnlySet<string> Hints
    {
        get => _hints ?? NoHints;
        // Stored before hints existed: absent, read as null.
        init => _hints = value;
    }

    private static readonly IReadOnlySet<string> NoHints = new HashSet<string>(StringComparer.Ordinal);

    private readonly IReadOnlySet<string>? _hints;

    public string? CallId { get; init; }

    /// <summary>The country of the call's number when it was looked up (the customer's language for a draft).</summary>
    public string? Country { get; init; }

    /// <summary>The message that started the conversation (phone numbers masked), for the stats of unknown causes.</summary>
    public string? Input { get; init; }

    /// <summary>Set once a diagnosis was given; a new message then starts a new conversation.</summary>
    public string? DiagnosisId { get; init; }

    /// <summary>The id of the last turn applied (see <see cref="Turn.Id"/>) and its result as JSON.</summary>
    public string? LastTurnId { get; init; }

    public string? LastTurnResult { get; init; }

    /// <summary>Incremented on every save, for optimistic concurrency in shared stores.</summary>
    [JsonIgnore]
    public long Version { get; init; }

    /// <summary>Ended without a diagnosis: the user started over, or the call turned out to have its recording.</summary>
    public bool Closed { get; init; }

    [JsonIgnore]
    public bool IsOpen => DiagnosisId is null && !Closed;
}

/// <summary>Links people can open for a call.</summary>
public static class CallLinks
{
    /// <summary>The call in the Aircall Dashboard (recording, details).</summary>
    public static string Dashboard(string callId) => $"https://dashboard.aircall.io/calls/{Uri.EscapeDataString(callId)}";
}
