using System.Text.Json;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Json;

namespace ChatTroubleshooter.Outbox;

/// <summary>
/// A kind of work a channel accepted and acknowledged, to be done in the background. One record per kind, so the
/// durable outbox keeps typed data: a renamed field fails to compile, not at runtime. Each feature registers its kinds
/// (<see cref="StoredJsonExtensions.AddStoredType{TBase, TDerived}"/>) and the <see cref="IWorkHandler"/> that does them; the
/// engine knows none. The discriminator is part of the stored JSON: renaming one leaves items already stored unreadable
/// (they become dead letters, never a crash).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
public abstract record Work;

/// <summary>
/// One thing to send, planned by a handler and saved with its item, so that a retried item never sends twice.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
public abstract record Delivery
{
    /// <summary>Set once it went out; a retried item skips it.</summary>
    public bool Sent { get; init; }

    /// <summary>
    /// Its item's id and its place in the plan (set when planned): a channel that can marks the message with it, so a
    /// retry can find a message that went out although its sender never heard back.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// It may have gone out unmarked: a send that failed after it may have arrived, or a plan whose holder stopped. The
    /// next attempt looks for it first where the channel can (see <see cref="IWorkHandler.FindSentAsync"/>).
    /// </summary>
    public bool MaybeSent { get; init; }

    /// <summary>
    /// Sending it twice shows it once (it replaces a message, or shows a typing indicator). A new message is not: Slack
    /// and Teams take no idempotency key for one, so a send whose answer was lost may be shown twice when retried.
    /// </summary>
    [JsonIgnore]
    public virtual bool Repeatable => false;
}

/// <summary>Work to enqueue after a delay (a re-check when the call was not ready), with an id derived from its item.</summary>
public sealed record FollowUp(TimeSpan After, Work Work) : Delivery
{
    /// <summary>Enqueued with an id derived from its item: enqueuing it again is the same work.</summary>
    public override bool Repeatable => true;
}

/// <summary>
/// An item of the durable outbox: the work, when it is due, how often it was tried, and (once planned) what to send.
/// </summary>
public sealed record WorkItem(string Id, Work Work)
{
    /// <summary>Not before this time (a delayed re-check); null for now.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public int Attempt { get; init; }

    /// <summary>What the handler planned to send; null until planned.</summary>
    public IReadOnlyList<Delivery>? Plan { get; init; }

    /// <summary>
    /// Set by the store when this claim takes the item over from another holder whose lease ran out (it stopped, or died,
    /// while working on it): what it planned may have gone out already. Not stored.
    /// </summary>
    [JsonIgnore]
    public string? TakenOverFrom { get; init; }

    /// <summary>
    /// Whether the workers should be woken for it now. An item due later (a grace delay, a re-check) is found by their
    /// poll instead: a wake-up per planned webhook check made the workers query the outbox for nothing a thousand times
    /// a second under load, which showed in every ack's latency.
    /// </summary>
    public bool IsDueBy(DateTimeOffset now) => NotBefore is not { } notBefore || notBefore <= now;

    /// <summary>
    /// A new id: time-ordered (UUID v7 from the injected clock), so the outbox's index grows at its end instead of
    /// touching a random page for every accepted request.
    /// </summary>
    public static string NewId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>Work accepted now, with a new id.</summary>
    public static WorkItem Accepted(Work work, TimeProvider time) => new(NewId(time), work);
}

/// <summary>The outbox engine's own stored types (the item, a follow-up); features add theirs.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorkItem))]
[JsonSerializable(typeof(FollowUp))]
internal sealed partial class OutboxJson : JsonSerializerContext;

/// <summary>The outbox's items as stored JSON: one <see cref="StoredJson"/>, with every registered kind of work and delivery.</summary>
public sealed class WorkJson(StoredJson json)
{
    public string Serialize(WorkItem item) => json.Serialize(item);

    /// <summary>An item read back, or null when it cannot be read (stored by an older version, or damaged).</summary>
    public WorkItem? TryDeserialize(string text) => json.TryDeserialize<WorkItem>(text);
}
