using System.Text.Json.Nodes;

namespace ChatTroubleshooter.Conversations.State;

/// <summary>Per-user preferences learned from a platform (e.g. a Slack user's locale), cached.</summary>
public interface IUserPreferenceStore
{
    Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct);

    Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct);
}

/// <summary>A feedback click on a diagnosis (stored once per user and diagnosis).</summary>
public sealed record FeedbackRecord(string DiagnosisId, string User, IReadOnlyList<string> CauseIds, bool Helpful, string Channel, string Language, DateTimeOffset At);

public interface IFeedbackStore
{
    /// <summary>Stores the feedback; false when this user already gave feedback on this diagnosis.</summary>
    Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct);

    Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>
/// A diagnosis the bot gave: for feedback (re-showing it with a thank-you or the escalation summary) and stats.
/// <see cref="ReplyJson"/> is the <c>DiagnosisReply</c> as JSON.
/// </summary>
public sealed record DiagnosisRecord(
    string DiagnosisId,
    string Channel,
    string Language,
    string Kind,
    IReadOnlyList<string> CauseIds,
    int Questions,
    string? Input,
    DateTimeOffset At,
    string ReplyJson);

public interface IDiagnosisLog
{
    Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct);

    Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct);

    Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>
/// The durable outbox: accepted work survives a restart. Workers claim due items for a lease; an item whose
/// worker died becomes due again when the lease ends. Progress (the planned deliveries, which were sent) is
/// saved so a retried item never sends the same reply twice.
/// </summary>
public interface IWorkOutbox : IWorkQueue
{
    Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct);

    Task SaveProgressAsync(WorkItem item, CancellationToken ct);

    Task CompleteAsync(WorkItem item, CancellationToken ct);

    Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct);

    Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct);

    Task<IReadOnlyList<WorkItem>> DeadLettersAsync(CancellationToken ct);

    /// <summary>Signalled when work is enqueued in this process, so workers need not wait for the next poll.</summary>
    Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct);
}

/// <summary>Everything the bot keeps between requests, behind one provider (Sqlite, Redis or Memory).</summary>
public interface IStateStore : IConversationStore, IEventDeduplicator, IUserPreferenceStore, IFeedbackStore, IDiagnosisLog, IWorkOutbox;

internal static class WorkItemJson
{
    /// <summary>Written straight to UTF-8 (the payload is not copied): this runs for every accepted request.</summary>
    public static string Serialize(WorkItem item)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", item.Id);
            writer.WriteString("channel", item.Channel);
            writer.WriteString("kind", item.Kind);
            writer.WritePropertyName("payload");
            item.Payload.WriteTo(writer);
            writer.WriteNumber("attempt", item.Attempt);
            if (item.NotBefore is { } notBefore)
            {
                writer.WriteNumber("notBefore", notBefore.ToUnixTimeMilliseconds());
            }
            else
            {
                writer.WriteNull("notBefore");
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static WorkItem Deserialize(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        return new WorkItem((string)o["id"]!, (string)o["channel"]!, (string)o["kind"]!, o["payload"]!.AsObject())
        {
            Attempt = (int)o["attempt"]!,
            NotBefore = (long?)o["notBefore"] is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
        };
    }
}
